/* model: what model.c and sent.c share, inside the model. */
#ifndef TC_MODEL_INT_H
#define TC_MODEL_INT_H

#include "model/model.h"

/* tc_model_syn_options - the options a SYN offers (@from_tester, or the target's):
 * window scale, timestamps, SACK; a tester's TSval becomes TS.Recent. */
void tc_model_syn_options(struct tc_tcb *t, const struct tc_seg *s, int from_tester);

#endif

# tester/lwip/lwip.mk: tcpconform-lwip, the agent of the lwIP stack (included by
# the Makefile). lwIP 2.1.3 is compiled from Debian's source package, fetched by
# tester/lwip/fetch.sh into $(LWIP_CACHE), with tester/lwip/lwipopts.h.
#   make stack-lwip                  fetch the source if needed, build the agent
#   make $(BUILD)/tcpconform-lwip    the same (the source is fetched when missing)

LWIP_CACHE ?= $(BUILD)/lwip-src
LWIP_DIR   ?= $(LWIP_CACHE)/lwip
LWIP_STAMP := $(LWIP_DIR)/src/include/lwip/init.h

# lwIP's core, IPv4, IPv6 and Ethernet (2.1.3's file list; what the options turn
# off compiles to nothing).
LWIP_CORE := $(addprefix src/core/,def.c inet_chksum.c init.c ip.c mem.c memp.c \
	netif.c pbuf.c raw.c stats.c sys.c tcp.c tcp_in.c tcp_out.c timeouts.c udp.c) \
	$(addprefix src/core/ipv4/,etharp.c icmp.c ip4.c ip4_addr.c ip4_frag.c) \
	$(addprefix src/core/ipv6/,ethip6.c icmp6.c inet6.c ip6.c ip6_addr.c ip6_frag.c \
	mld6.c nd6.c) \
	src/netif/ethernet.c
LWIP_CORE_OBJ := $(patsubst %.c,$(BUILD)/lwip-obj/%.o,$(LWIP_CORE))
LWIP_AGENT_SRC := $(wildcard tester/lwip/*.c)
LWIP_AGENT_OBJ := $(call obj,$(LWIP_AGENT_SRC))
LWIP_INC := -Itester/lwip -isystem $(LWIP_DIR)/src/include
# lwIP's own sources: its code, its warnings; ours get the project's flags.
LWIP_CORE_CFLAGS ?= -std=gnu99 -O2 -g

$(LWIP_STAMP):
	sh tester/lwip/fetch.sh $(LWIP_CACHE)

$(LWIP_DIR)/%.c: | $(LWIP_STAMP) ;

$(LWIP_CORE_OBJ): $(BUILD)/lwip-obj/%.o: $(LWIP_DIR)/%.c tester/lwip/lwipopts.h \
		tester/lwip/arch/cc.h | $(LWIP_STAMP)
	@mkdir -p $(dir $@)
	$(CC) $(LWIP_CORE_CFLAGS) -D_GNU_SOURCE $(LWIP_INC) -MMD -MP -c $< -o $@

$(LWIP_AGENT_OBJ): CPPFLAGS += $(LWIP_INC)
$(LWIP_AGENT_OBJ): | $(LWIP_STAMP)

$(BUILD)/obj/lwip-common/%.o: tester/common/%.c | $(LWIP_STAMP)
	@mkdir -p $(dir $@)
	$(CC) $(CPPFLAGS) $(LWIP_INC) $(CFLAGS) -c $< -o $@

$(BUILD)/tcpconform-lwip: $(LWIP_AGENT_OBJ) $(call common_obj,lwip) $(LWIP_CORE_OBJ)
	$(CC) $(CFLAGS) $(LDFLAGS) -o $@ $^

stack-lwip:
	sh tester/lwip/fetch.sh $(LWIP_CACHE)
	@$(MAKE) --no-print-directory $(BUILD)/tcpconform-lwip

.PHONY: stack-lwip

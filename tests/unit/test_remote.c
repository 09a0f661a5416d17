/* Remote mode without root: what is refused as a target, and which tester ports are
 * taken by this host's own sockets. */
#include "t.h"

#include "env/remote.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

void test_remote_targets(struct t_ctx *t)
{
	static const struct { const char *addr, *why; } refused[] = {
		{ "255.255.255.255", "255.255.255.255 is the broadcast address: a target is one host" },
		{ "224.0.0.1", "224.0.0.1 is a multicast address: a target is one host" },
		{ "0.0.0.0", "0.0.0.0 is the unspecified address: it names no host" },
		{ "ff02::1", "ff02::1 is a multicast address: a target is one host" },
		{ "::", ":: is the unspecified address: it names no host" },
		{ "::ffff:224.0.0.1", "::ffff:224.0.0.1 is an IPv4 address written as IPv6: give the IPv4 address itself" },
		{ "::ffff:127.0.0.1", "::ffff:127.0.0.1 is an IPv4 address written as IPv6: give the IPv4 address itself" },
		{ "::10.1.2.3", "::10.1.2.3 is an IPv4 address written as IPv6: give the IPv4 address itself" },
		{ "127.0.0.2", "127.0.0.2 is an address of this host: tcpconform would be testing itself "
			       "(to test this machine's stack, run without --target)" },
		{ "::1", "::1 is an address of this host: tcpconform would be testing itself "
			 "(to test this machine's stack, run without --target)" },
		{ "example", "--target needs an IPv4 or IPv6 address, not 'example'" },
	};
	struct tc_addr a;
	char err[256];
	size_t i;

	for (i = 0; i < sizeof(refused) / sizeof(refused[0]); i++) {
		err[0] = '\0';
		T_OK(t, tc_remote_check_target(refused[i].addr, &a, err, sizeof(err)) == -1);
		T_EQ_S(t, err, refused[i].why);
	}
	/* documentation addresses no host of ours has: accepted */
	T_EQ_U(t, tc_remote_check_target("203.0.113.7", &a, err, sizeof(err)), 0);
	T_EQ_U(t, a.family, 4);
	T_EQ_U(t, tc_remote_check_target("2001:db8::7", &a, err, sizeof(err)), 0);
	T_EQ_U(t, a.family, 6);
}

void test_remote_ports_used(struct t_ctx *t)
{
	struct sockaddr_in sa = { 0 }, ca = { 0 };
	socklen_t sl = sizeof(sa);
	int lfd = socket(AF_INET, SOCK_STREAM, 0), cfd = socket(AF_INET, SOCK_STREAM, 0);
	struct tc_addr lo1, lo2;
	uint16_t p, q;

	sa.sin_family = AF_INET;
	sa.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	if (lfd < 0 || cfd < 0 || bind(lfd, (struct sockaddr *)&sa, sizeof(sa)) < 0 || listen(lfd, 1) < 0 ||
	    getsockname(lfd, (struct sockaddr *)&sa, &sl) < 0 ||
	    connect(cfd, (struct sockaddr *)&sa, sizeof(sa)) < 0 ||
	    getsockname(cfd, (struct sockaddr *)&ca, &(socklen_t){ sizeof(ca) }) < 0) {
		t->skipped = "cannot open a connection over loopback";
		goto out;
	}
	p = ntohs(ca.sin_port);                         /* the client's port, talking to 127.0.0.1 */
	tc_addr_parse(&lo1, "127.0.0.1");
	tc_addr_parse(&lo2, "127.0.0.2");
	T_EQ_U(t, tc_remote_ports_used(&lo1, p, p), 1);
	T_EQ_U(t, tc_remote_ports_used(&lo1, p > 10 ? p - 10 : 0, p), 1);
	T_EQ_U(t, tc_remote_ports_used(&lo2, p, p), 0);          /* not to that peer */
	q = (uint16_t)(p + 1 == ntohs(sa.sin_port) ? p + 2 : p + 1);    /* not the listener's */
	T_EQ_U(t, tc_remote_ports_used(&lo1, q, q), 0);          /* not from that port */
out:
	if (cfd >= 0)
		close(cfd);
	if (lfd >= 0)
		close(lfd);
}

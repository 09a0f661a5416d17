/*
 * tester/lwip/lwipopts.h: the lwIP options of tcpconform-lwip (lwIP 2.1.3, NO_SYS,
 * raw TCP API, one Ethernet interface on a TAP, IPv4 and IPv6).
 *
 * The TCP options are those a conformance run wants to see: window scaling,
 * timestamps, SACK (lwIP sends SACK blocks; it does not act on received ones),
 * out-of-order queueing, checksums checked. Everything else is off.
 */
#ifndef TCL_LWIPOPTS_H
#define TCL_LWIPOPTS_H

/* One thread, no OS layer: the agent's poll() loop drives lwIP. */
#define NO_SYS                          1
#define SYS_LIGHTWEIGHT_PROT            0
#define LWIP_SOCKET                     0
#define LWIP_NETCONN                    0
#define LWIP_NETIF_API                  0

/* Memory: the C library's malloc for the heap and for every pool. */
#define MEM_LIBC_MALLOC                 1
#define MEMP_MEM_MALLOC                 1
#define MEM_ALIGNMENT                   8
#define PBUF_POOL_BUFSIZE               1536

/* Link and network layers. */
#define LWIP_ARP                        1
#define ETHARP_SUPPORT_STATIC_ENTRIES   1
#define LWIP_ETHERNET                   1
#define LWIP_IPV4                       1
#define LWIP_IPV6                       1
#define LWIP_IPV6_NUM_ADDRESSES         4
#define LWIP_IPV6_AUTOCONFIG            0
#define LWIP_IPV6_DUP_DETECT_ATTEMPTS   0
#define LWIP_IPV6_SEND_ROUTER_SOLICIT   0
#define LWIP_IPV6_MLD                   0   /* solicited-node traffic is matched against our addresses */
#define LWIP_IPV6_DHCP6                 0
#define IPV6_FRAG_COPYHEADER            1   /* needed on 64-bit hosts */
#define LWIP_ICMP                       1
#define LWIP_ICMP6                      1
#define LWIP_RAW                        0
#define LWIP_UDP                        1
#define LWIP_DHCP                       0
#define LWIP_AUTOIP                     0
#define LWIP_IGMP                       0
#define LWIP_DNS                        0
#define LWIP_NETIF_LOOPBACK             0
#define LWIP_HAVE_LOOPIF                0

/* Checksums: generated and checked in software, all of them. */
#define CHECKSUM_GEN_IP                 1
#define CHECKSUM_GEN_TCP                1
#define CHECKSUM_GEN_ICMP               1
#define CHECKSUM_GEN_ICMP6              1
#define CHECKSUM_CHECK_IP               1
#define CHECKSUM_CHECK_TCP              1
#define CHECKSUM_CHECK_ICMP             1
#define CHECKSUM_CHECK_ICMP6            1

/* TCP. */
#define LWIP_TCP                        1
#define LWIP_CALLBACK_API               1
#define TCP_MSS                         1460
#define TCP_WND                         (8 * TCP_MSS)
#define TCP_SND_BUF                     (8 * TCP_MSS)
#define TCP_SND_QUEUELEN                64
#define LWIP_WND_SCALE                  1
#define TCP_RCV_SCALE                   2
#define LWIP_TCP_TIMESTAMPS             1
#define LWIP_TCP_SACK_OUT               1
#define TCP_QUEUE_OOSEQ                 1
#define TCP_LISTEN_BACKLOG              1
#define TCP_DEFAULT_LISTEN_BACKLOG      0xff
#define LWIP_TCP_KEEPALIVE              1
#define SO_REUSE                        1   /* SOF_REUSEADDR: connect from a port in TIME-WAIT */
#define LWIP_TCP_PCB_NUM_EXT_ARGS       1   /* the agent learns when lwIP frees a pcb */

/* No statistics; no debug output (LWIP_DEBUG stays undefined); assertions on. */
#define LWIP_STATS                      0

#endif /* TCL_LWIPOPTS_H */

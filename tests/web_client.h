/* web_client.h - a minimal HTTP client for the web view's tests and
 * benchmark, in the server's own thread. In C:
 *
 *     StreamSink terminal;
 *     stream_sink_init(&terminal, stdout, stderr);
 *     Session s;
 *     session_init(&s, &terminal.sink);
 *     WebServer web;
 *     web_init(&web, &s);
 *     char error[256];
 *     if (web_start(&web, "127.0.0.1", 0, error, sizeof error)) {
 *         StrBuf answer;
 *         sb_init(&answer);
 *         const char *req = "GET / HTTP/1.1\r\nConnection: close\r\n\r\n";
 *         web_client_exchange(&web, req, strlen(req), &answer); // "HTTP/1.1 403": no token
 *         sb_free(&answer);
 *     }
 *     web_free(&web);
 *     session_free(&s);
 *
 * The client writes its whole request, then web_serve_until_readable serves
 * until the answer arrives: no second thread, nothing waits for time.
 */
#ifndef BP_WEB_CLIENT_H
#define BP_WEB_CLIENT_H

#include <arpa/inet.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "web/web.h"

/* A socket connected to the server, or -1. */
static inline int web_client_connect(const WebServer *w) {
    int fd = socket(AF_INET, SOCK_STREAM, 0);
    struct sockaddr_in a = {.sin_family = AF_INET, .sin_port = htons((uint16_t)w->port)};
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    if (fd >= 0 && connect(fd, (struct sockaddr *)&a, sizeof a) != 0) {
        close(fd);
        fd = -1;
    }
    return fd;
}

/* Sends data[0..len) (false if the server closed first: it may, on a bad request). */
static inline bool web_client_send(int fd, const char *data, size_t len) {
    while (len > 0) {
        ssize_t n = send(fd, data, len, MSG_NOSIGNAL);
        if (n <= 0) return false;
        data += n, len -= (size_t)n;
    }
    return true;
}

/* Serves until fd has something, then appends what is there to out
 * (everything up to the server's close when `whole`). False if serving or
 * reading failed. */
static inline bool web_client_receive(WebServer *w, int fd, StrBuf *out, bool whole) {
    char buf[8192];
    for (;;) {
        if (!web_serve_until_readable(w, fd)) return false;
        ssize_t n = recv(fd, buf, sizeof buf, 0);
        if (n < 0) return false;
        if (n == 0) return true;
        sb_append(out, buf, (size_t)n);
        if (!whole) return true;
    }
}

/* One request answered whole: the request should say Connection: close.
 * The sending side is shut after the request, so an unfinished one ends. */
static inline bool web_client_exchange(WebServer *w, const char *req, size_t len, StrBuf *out) {
    int fd = web_client_connect(w);
    if (fd < 0) return false;
    web_client_send(fd, req, len);
    shutdown(fd, SHUT_WR);
    bool ok = web_client_receive(w, fd, out, true);
    close(fd);
    return ok;
}

#endif

/* test_web.c - the web view through real sockets on 127.0.0.1.
 *
 * The server runs in the test's own thread, as in backprop: a client
 * writes its request, then web_serve_until_readable serves until the
 * client's socket has the answer. Nothing waits for time.
 */
#include <math.h>

#include "harness.h"
#include "web_client.h"

typedef struct {
    Harness h;
    WebServer w;
} Web;

static void web_setup(Web *t, const char *script) {
    h_init(&t->h);
    web_init(&t->w, &t->h.s);
    ck_assert(h_run(&t->h, script));
    char error[256];
    ck_assert_msg(web_start(&t->w, "127.0.0.1", 0, error, sizeof error), "%s", error);
    ck_assert_int_gt(t->w.port, 0);
}

static void web_teardown(Web *t) {
    web_free(&t->w);
    h_free(&t->h);
}

static int client(const Web *t) {
    int fd = web_client_connect(&t->w);
    ck_assert_int_ge(fd, 0);
    return fd;
}

static void send_all(int fd, const char *data, size_t len) {
    ck_assert(web_client_send(fd, data, len));
}

static void receive(Web *t, int fd, StrBuf *out, bool whole) {
    ck_assert(web_client_receive(&t->w, fd, out, whole));
}

/* One request, answered whole (Connection: close); returns the status,
 * the body in *body (malloc'd, the caller frees) if body is not NULL. */
static int request(Web *t, const char *method, const char *path, const char *headers,
                   const char *payload, char **body) {
    StrBuf req, resp;
    sb_init(&req);
    sb_init(&resp);
    sb_printf(&req, "%s %s HTTP/1.1\r\nConnection: close\r\n", method, path);
    if (!strstr(headers, "Host:")) sb_printf(&req, "Host: 127.0.0.1:%d\r\n", t->w.port);
    sb_puts(&req, headers);
    if (payload) sb_printf(&req, "Content-Length: %zu\r\n", strlen(payload));
    sb_puts(&req, "\r\n");
    if (payload) sb_puts(&req, payload);
    ck_assert(web_client_exchange(&t->w, req.data, req.len, &resp));
    int status = 0;
    ck_assert_msg(sscanf(resp.data ? resp.data : "", "HTTP/1.1 %d", &status) == 1, "%s",
                  resp.data ? resp.data : "(nothing)");
    if (body) {
        const char *start = resp.data ? strstr(resp.data, "\r\n\r\n") : NULL;
        *body = strdup(start ? start + 4 : "");
    }
    sb_free(&req);
    sb_free(&resp);
    return status;
}

/* path?token=TOKEN */
static char *with_token(const Web *t, const char *path) {
    static char url[256];
    snprintf(url, sizeof url, "%s?token=%s", path, t->w.token);
    return url;
}

/* The headers of a POST from the server's own page. */
static char *page_post(const Web *t) {
    static char headers[256];
    snprintf(headers, sizeof headers,
             "Origin: http://127.0.0.1:%d\r\nContent-Type: application/json\r\n", t->w.port);
    return headers;
}

static const char apple[] = "apple = 100\nn = 2\nprice = apple * n * 1.1\nW = [1, 2]";

/* --- who may ask ---------------------------------------------------------------- */

static const struct {
    const char *method, *path; /* path: %T stands for ?token=TOKEN */
    const char *headers;       /* %P stands for the port */
    const char *payload;
    int status;
} checks[] = {
    {"GET", "/", "", NULL, 403},                                        /* no token */
    {"GET", "/?token=00000000000000000000000000000000", "", NULL, 403}, /* a wrong one */
    {"GET", "/%T", "", NULL, 200},
    {"GET", "/%T", "Host: evil.example:%P\r\n", NULL, 403}, /* DNS rebinding */
    {"GET", "/%T", "Host: 127.0.0.1:1\r\n", NULL, 403},     /* another port */
    {"GET", "/%T", "Host: localhost:%P\r\n", NULL, 200},
    {"GET", "/state%T", "", NULL, 200},
    {"GET", "/figure.svg%T", "", NULL, 200},
    {"GET", "/figure.svg%T&of=nobody", "", NULL, 404},
    {"GET", "/figure.svg%T&frame=x", "", NULL, 400},
    {"GET", "/nothing%T", "", NULL, 404},
    {"GET", "/leaf%T", "", NULL, 405},
    {"PUT", "/leaf%T", "", NULL, 405},
    {"DELETE", "/%T", "", NULL, 405},
    /* POSTs: from our own page only, JSON only */
    {"POST", "/leaf%T", "Content-Type: application/json\r\n", "{}", 403}, /* no Origin */
    {"POST", "/leaf%T", "Origin: http://evil.example\r\nContent-Type: application/json\r\n", "{}",
     403},
    {"POST", "/leaf%T", "Origin: http://127.0.0.1:%P\r\nContent-Type: text/plain\r\n", "{}", 415},
    {"POST", "/leaf", "Origin: http://127.0.0.1:%P\r\nContent-Type: application/json\r\n",
     "{\"name\":\"apple\",\"value\":1}", 403}, /* no token */
    /* bodies */
    {"POST", "/leaf%T", "%J", "{\"name\": \"apple\", ", 400},
    {"POST", "/leaf%T", "%J", "[1, 2]", 400},
    {"POST", "/leaf%T", "%J", "{\"name\": \"apple\", \"value\": \"150\"}", 400},
    {"POST", "/leaf%T", "%J", "{\"name\": \"apple\", \"value\": NaN}", 400},
    {"POST", "/leaf%T", "%J", "{\"name\": \"apple\", \"value\": 1e999}", 400},
    {"POST", "/leaf%T", "%J", "{\"name\": \"nobody\", \"value\": 1}", 404},
    {"POST", "/leaf%T", "%J", "{\"name\": \"price\", \"value\": 1}", 422},
    {"POST", "/leaf%T", "%J", "{\"name\": \"W\", \"value\": 1}", 422},
    {"POST", "/leaf%T", "%J", "{\"name\": \"apple; :save x\", \"value\": 1}", 404},
};

/* Expands %T (token), %P (port) and %J (a page's POST headers). */
static void expand(const Web *t, const char *pattern, StrBuf *out) {
    for (const char *p = pattern; *p; p++) {
        if (p[0] == '%' && p[1] == 'T')
            sb_printf(out, "?token=%s", t->w.token), p++;
        else if (p[0] == '%' && p[1] == 'P')
            sb_printf(out, "%d", t->w.port), p++;
        else if (p[0] == '%' && p[1] == 'J')
            sb_puts(out, page_post(t)), p++;
        else
            sb_append(out, p, 1);
    }
}

START_TEST(test_checks) {
    Web t;
    web_setup(&t, apple);
    char *before = h_script(&t.h);
    StrBuf path, headers;
    sb_init(&path);
    sb_init(&headers);
    expand(&t, checks[_i].path, &path);
    expand(&t, checks[_i].headers, &headers);
    char *body;
    int status = request(&t, checks[_i].method, path.data, headers.data ? headers.data : "",
                         checks[_i].payload, &body);
    ck_assert_msg(status == checks[_i].status, "%s %s: %d, not %d: %s", checks[_i].method,
                  path.data, status, checks[_i].status, body);
    if (status >= 400) /* a clear message, and nothing changed */
        ck_assert_msg(strstr(body, " ") && strlen(body) > 8, "no message: %s", body);
    char *after = h_script(&t.h);
    ck_assert_str_eq(before, after);
    free(before);
    free(after);
    free(body);
    sb_free(&path);
    sb_free(&headers);
    web_teardown(&t);
}
END_TEST

/* The page's toggles reach the figure: symbols, a sigmoid as its expanded
 * graph derives it (figure 5-21), numbers in their circles (figure 5-1);
 * the figure says how many backward steps it has. */
START_TEST(test_figure_options) {
    Web t;
    web_setup(&t, "x = 0.5\ny = sigmoid(x * 2)");
    static const struct {
        const char *query, *has, *lacks;
    } cases[] = {
        {"", ">2</text>", ">×2</text>"},
        {"&fold=1", ">×2</text>", ">2</text>"},
        {"&symbolic=1", "· y(1-y)</text>", "exp("},
        {"&derived=1", "· y² · exp(-(x·2))</text>", "y(1-y)"},
        /* the steps the page goes through: × and sigmoid, or × and the sigmoid's four */
        {"", "data-steps=\"2\"", "data-steps=\"5\""},
        {"&expand=1", "data-steps=\"5\"", "data-steps=\"2\""},
    };
    for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
        char path[160], *body;
        snprintf(path, sizeof path, "%s%s", with_token(&t, "/figure.svg"), cases[i].query);
        ck_assert_int_eq(request(&t, "GET", path, "", NULL, &body), 200);
        ck_assert_msg(strstr(body, cases[i].has), "%s: no %s", path, cases[i].has);
        ck_assert_msg(!strstr(body, cases[i].lacks), "%s: %s", path, cases[i].lacks);
        free(body);
    }
    web_teardown(&t);
}
END_TEST

START_TEST(test_sizes) {
    Web t;
    web_setup(&t, apple);
    char *big = malloc(WEB_BODY_MAX + 100);
    memset(big, ' ', WEB_BODY_MAX + 99);
    big[WEB_BODY_MAX + 99] = '\0';
    memcpy(big, "{\"name\": \"apple\", \"value\": 5}", 29);
    char *body;
    ck_assert_int_eq(request(&t, "POST", with_token(&t, "/leaf"), page_post(&t), big, &body), 413);
    free(body);
    /* a header line past the server's memory for one request */
    char *header = malloc(40000);
    strcpy(header, "X-Long: ");
    memset(header + 8, 'a', 30000);
    strcpy(header + 30008, "\r\n");
    int status = request(&t, "GET", with_token(&t, "/"), header, NULL, &body);
    ck_assert_msg(status >= 400 && status < 500, "a 30 KB header got %d", status);
    free(body);
    free(header);
    free(big);
    /* the server still answers */
    ck_assert_int_eq(request(&t, "GET", with_token(&t, "/state"), "", NULL, NULL), 200);
    web_teardown(&t);
}
END_TEST

/* --- what a page may change ------------------------------------------------------ */

START_TEST(test_slider_is_the_statement) {
    Web t;
    web_setup(&t, apple);
    Harness typed;
    h_init(&typed);
    ck_assert(h_run(&typed, apple));
    ck_assert(h_run(&typed, "apple = 150"));
    char *body;
    ck_assert_int_eq(request(&t, "POST", with_token(&t, "/leaf"), page_post(&t),
                             "{\"name\": \"apple\", \"value\": 150}", &body),
                     200);
    free(body);
    h_run(&t.h, "");
    char *a = h_script(&typed), *b = h_script(&t.h);
    ck_assert_str_eq(a, b);
    free(a);
    free(b);
    ck_assert(h_run(&t.h, "price"));
    ck_assert_str_eq(t.h.out_text, "330\n");
    h_free(&typed);
    web_teardown(&t);
}
END_TEST

/* --- the event stream ------------------------------------------------------------ */

/* Opens /events and reads up to the first state. */
static int open_page(Web *t, StrBuf *got) {
    int fd = client(t);
    StrBuf req;
    sb_init(&req);
    sb_printf(&req, "GET /events?token=%s HTTP/1.1\r\nHost: 127.0.0.1:%d\r\n\r\n", t->w.token,
              t->w.port);
    send_all(fd, req.data, req.len);
    sb_free(&req);
    while (!got->data || !strstr(got->data, "}\n\n")) /* the end of the first state */
        receive(t, fd, got, false);
    return fd;
}

START_TEST(test_events_follow_the_prompt) {
    Web t;
    web_setup(&t, apple);
    StrBuf got;
    sb_init(&got);
    int fd = open_page(&t, &got);
    ck_assert_msg(strstr(got.data, "HTTP/1.1 200") && strstr(got.data, "text/event-stream"), "%s",
                  got.data);
    ck_assert(strstr(got.data, "event: state\ndata: {\"version\":1,"));
    ck_assert(strstr(got.data, "\"name\":\"apple\",\"value\":100"));
    sb_clear(&got);
    ck_assert(h_run(&t.h, "apple = 200"));
    while (!got.data || !strstr(got.data, "}\n\n"))
        receive(&t, fd, &got, false);
    ck_assert_msg(strstr(got.data, "\"version\":2,") && strstr(got.data, "\"value\":200"), "%s",
                  got.data);
    ck_assert(strstr(got.data, "∂price/∂apple = 2.2"));
    ck_assert(strstr(got.data, "\"steps\":[\"step 1:"));
    ck_assert_int_eq(t.w.page_count, 1);
    close(fd);
    sb_free(&got);
    web_teardown(&t);
}
END_TEST

START_TEST(test_seventeen_pages) {
    Web t;
    web_setup(&t, apple);
    int fds[WEB_PAGES_MAX];
    for (int i = 0; i < WEB_PAGES_MAX; i++) {
        StrBuf got;
        sb_init(&got);
        fds[i] = open_page(&t, &got);
        sb_free(&got);
    }
    ck_assert_int_eq(t.w.page_count, WEB_PAGES_MAX);
    char *body;
    ck_assert_int_eq(request(&t, "GET", with_token(&t, "/events"), "", NULL, &body), 503);
    ck_assert(strstr(body, "too many pages"));
    free(body);
    /* One goes away: its place is free again once a write to it fails,
     * which takes a change or two (the first write may still be taken). */
    close(fds[0]);
    for (int i = 0; i < 10 && t.w.page_count == WEB_PAGES_MAX; i++) {
        char line[32];
        snprintf(line, sizeof line, "apple = %d", i);
        ck_assert(h_run(&t.h, line));
        for (int k = 0; k < 4; k++)
            web_poll(&t.w);
    }
    ck_assert_int_eq(t.w.page_count, WEB_PAGES_MAX - 1);
    StrBuf got;
    sb_init(&got);
    fds[0] = open_page(&t, &got);
    ck_assert(strstr(got.data, "HTTP/1.1 200"));
    sb_free(&got);
    for (int i = 0; i < WEB_PAGES_MAX; i++)
        close(fds[i]);
    web_teardown(&t);
}
END_TEST

START_TEST(test_a_page_that_never_reads) {
    Web t;
    web_setup(&t, apple);
    /* A page that opens its stream and never reads a byte. */
    int stuck = client(&t);
    int small = 1024;
    setsockopt(stuck, SOL_SOCKET, SO_RCVBUF, &small, sizeof small);
    char req[256];
    snprintf(req, sizeof req, "GET /events?token=%s HTTP/1.1\r\nHost: 127.0.0.1:%d\r\n\r\n",
             t.w.token, t.w.port);
    send_all(stuck, req, strlen(req));
    StrBuf got;
    sb_init(&got);
    int reader = open_page(&t, &got);
    ck_assert_int_eq(t.w.page_count, 2);
    /* 500 changes, each a state bigger than the stuck page's buffer: the
     * session is never held up, and the page that reads sees the last. */
    char line[64];
    for (int i = 1; i <= 500; i++) {
        snprintf(line, sizeof line, "apple = %d", 1000 + i);
        ck_assert(h_run(&t.h, line));
        web_poll(&t.w);
    }
    sb_clear(&got);
    while (!got.data || !strstr(got.data, "\"value\":1500"))
        receive(&t, reader, &got, false);
    ck_assert_int_eq(t.w.page_count, 2);
    close(stuck);
    close(reader);
    sb_free(&got);
    web_teardown(&t);
}
END_TEST

/* --- the command --------------------------------------------------------------- */

START_TEST(test_serve_command) {
    Harness h;
    h_init(&h);
    WebServer w;
    web_init(&w, &h.s);
    ck_assert(h_run(&h, ":serve"));
    ck_assert_msg(strncmp(h.out_text, "serving at http://127.0.0.1:", 28) == 0, "%s", h.out_text);
    ck_assert(strstr(h.out_text, "/?token="));
    ck_assert(strstr(h.out_text, "(0 pages open; :serve off stops it)"));
    ck_assert(h_run(&h, ":serve"));
    ck_assert(strncmp(h.out_text, "serving at http://127.0.0.1:", 28) == 0);
    ck_assert(h_run(&h, ":serve off"));
    ck_assert_str_eq(h.out_text, "stopped serving\n");
    ck_assert(!web_running(&w));
    ck_assert(h_run(&h, ":serve off"));
    ck_assert_str_eq(h.out_text, "not serving\n");
    ck_assert(!h_run(&h, ":serve 70000"));
    ck_assert(strstr(h.err_text, "'70000': :serve takes a port (0-65535), --host ADDR, or off"));
    ck_assert(!h_run(&h, ":serve --host"));
    ck_assert(strstr(h.err_text, "--host needs an address"));
    ck_assert(!h_run(&h, ":serve --host nowhere"));
    ck_assert(strstr(h.err_text, "'nowhere' is not an IPv4 address"));
    ck_assert(h_run(&h, ":help serve"));
    ck_assert(strstr(h.out_text, ":serve [PORT|off]"));
    ck_assert(strstr(h.out_text, "example: :serve 8080"));
    h.sink.json = true;
    ck_assert(h_run(&h, ":serve"));
    ck_assert_msg(
        strncmp(h.out_text, "{\"kind\":\"serve\",\"running\":true,\"url\":\"http://", 44) == 0,
        "%s", h.out_text);
    web_free(&w);
    h_free(&h);
}
END_TEST

static Suite *web_suite(void) {
    Suite *s = suite_create("web");
    TCase *tc = tcase_create("web");
    tcase_add_loop_test(tc, test_checks, 0, sizeof checks / sizeof checks[0]);
    tcase_add_test(tc, test_sizes);
    tcase_add_test(tc, test_figure_options);
    tcase_add_test(tc, test_slider_is_the_statement);
    tcase_add_test(tc, test_events_follow_the_prompt);
    tcase_add_test(tc, test_seventeen_pages);
    tcase_add_test(tc, test_a_page_that_never_reads);
    tcase_add_test(tc, test_serve_command);
    suite_add_tcase(s, tc);
    return s;
}

int main(void) {
    SRunner *sr = srunner_create(web_suite());
    srunner_run_all(sr, CK_NORMAL);
    int failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}

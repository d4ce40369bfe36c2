/* test_array.c - io/array.h: .npy and CSV files read into arrays, arrays
 * written as .npy. Files NumPy wrote (shipped in tests/data/, made by
 * tests/data/numpy_arrays.py) read back exactly; bad files are refused
 * with the exact message; and, when python3-numpy is there, every dtype,
 * byte order, memory order and header version NumPy writes reads back, and
 * NumPy reads array_write_npy's files bit for bit. */
#include <check.h>
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "check_main.h"
#include "harness.h"
#include "io/array.h"

/* Bit-identical, but every nan equals every nan. */
static bool same(double a, double b) {
    if (isnan(a) || isnan(b)) return isnan(a) && isnan(b);
    return memcmp(&a, &b, sizeof a) == 0;
}

static void assert_array(const Array *a, int rank, const int32_t *dims, const double *values) {
    ck_assert_int_eq(a->shape.rank, rank);
    size_t size = 1;
    for (int k = 0; k < rank; k++) {
        ck_assert_int_eq(a->shape.dims[k], dims[k]);
        size *= (size_t)dims[k];
    }
    for (size_t i = 0; i < size; i++)
        ck_assert_msg(same(a->data[i], values[i]), "element %zu is %.17g, not %.17g", i, a->data[i],
                      values[i]);
}

/* --- files NumPy wrote, shipped ----------------------------------------- */

static const struct {
    const char *file;
    int rank;
    int32_t dims[BP_MAX_RANK];
    double values[24];
} shipped[] = {
    {"f8_le.npy", 2, {2, 3}, {-0.0, 1.5, INFINITY, -INFINITY, 1e-300, 2.5e300}},
    {"f8_be.npy", 2, {2, 3}, {-0.0, 1.5, INFINITY, -INFINITY, 1e-300, 2.5e300}},
    {"f4_be.npy", 1, {3}, {(double)0.1f, -2.5, (double)3e38f}},
    /* Fortran order on disk, row-major here: arange(24) - 5 in shape (2,3,4). */
    {"i8_fortran.npy", 3, {2, 3, 4}, {-5, -4, -3, -2, -1, 0,  1,  2,  3,  4,  5,  6,
                                      7,  8,  9,  10, 11, 12, 13, 14, 15, 16, 17, 18}},
    {"i4_be_v2.npy", 1, {3}, {-2147483648.0, 2147483647.0, 0}},
    {"u2_v3.npy", 2, {1, 2}, {0, 65535}},
    {"bool.npy", 1, {3}, {1, 0, 1}},
    {"scalar.npy", 0, {0}, {3.25}},
    {"f2.npy", 1, {5}, {1, -0.5, 65504, 0x1p-24, INFINITY}},
    {"u8_big.npy", 1, {2}, {0x1p53, 18446744073709549568.0}},
    {"comma.csv", 2, {2, 3}, {1.5, -2, 3e-5, NAN, INFINITY, -INFINITY}},
    {"semicolon_header.csv", 2, {2, 3}, {1.5, -2, 3e-5, NAN, INFINITY, -INFINITY}},
    {"tab_crlf.csv", 2, {2, 3}, {1.5, -2, 3e-5, NAN, INFINITY, -INFINITY}},
    {"quoted_bom.csv", 2, {2, 2}, {1, -INFINITY, NAN, 2000}},
};

START_TEST(test_shipped_files) {
    char path[512], why[256];
    snprintf(path, sizeof path, "%s/%s", BP_TEST_DATA, shipped[_i].file);
    Array a;
    ck_assert_msg(array_read_file(path, &a, why, sizeof why), "%s: %s", path, why);
    assert_array(&a, shipped[_i].rank, shipped[_i].dims, shipped[_i].values);
    array_free(&a);
}
END_TEST

/* u1: 16x16 of 0..255. */
START_TEST(test_shipped_u1) {
    char path[512], why[256];
    snprintf(path, sizeof path, "%s/u1.npy", BP_TEST_DATA);
    Array a;
    ck_assert_msg(array_read_file(path, &a, why, sizeof why), "%s", why);
    double values[256];
    for (int i = 0; i < 256; i++)
        values[i] = i;
    assert_array(&a, 2, (int32_t[]){16, 16}, values);
    array_free(&a);
    array_free(&a); /* twice is safe */
}
END_TEST

/* --- .npy files refused ------------------------------------------------- */

/* A .npy file: magic, version major.0, the header's length, header (padded
 * with spaces and '\n' to a multiple of 64, as NumPy does, unless raw), then
 * data_len bytes of fill. Returns its length; the caller frees *out. */
static size_t npy(unsigned char **out, int major, const char *header, size_t data_len,
                  unsigned char fill) {
    size_t prefix = major == 1 ? 10 : 12, hlen = strlen(header);
    size_t padded = (prefix + hlen + 1 + 63) / 64 * 64 - prefix;
    unsigned char *b = malloc(prefix + padded + data_len + 1);
    ck_assert_ptr_nonnull(b);
    memcpy(b, "\x93NUMPY", 6);
    b[6] = (unsigned char)major, b[7] = 0;
    for (size_t k = 0; k < prefix - 8; k++)
        b[8 + k] = (unsigned char)(padded >> (8 * k));
    memcpy(b + prefix, header, hlen);
    memset(b + prefix + hlen, ' ', padded - hlen - 1);
    b[prefix + padded - 1] = '\n';
    memset(b + prefix + padded, fill, data_len);
    *out = b;
    return prefix + padded + data_len;
}

static const struct {
    int major;
    const char *header;
    size_t data_len;
    unsigned char fill;
    const char *error;
} bad_npy[] = {
    {1, "{'descr': '<f8', 'fortran_order': False, 'shape': (3, 4), }", 40, 0,
     "truncated data: the shape (3,4) of <f8 needs 96 bytes, the file has 40"},
    {1, "{'descr': '<f8', 'fortran_order': False, 'shape': (3, 4), }", 100, 0,
     "extra data after the elements: the shape (3,4) of <f8 needs 96 bytes, the file has 100"},
    {1, "{'descr': '<i4', 'fortran_order': False, 'shape': (), }", 0, 0,
     "truncated data: the shape () of <i4 needs 4 bytes, the file has 0"},
    {1, "{'descr': '<c16', 'fortran_order': False, 'shape': (2,), }", 32, 0,
     "unsupported dtype '<c16': backprop reads f2, f4, f8, i1, i2, i4, i8, u1, u2, u4, u8 and "
     "b1 (bool)"},
    {1, "{'descr': '|O', 'fortran_order': False, 'shape': (2,), }", 16, 0,
     "unsupported dtype '|O': backprop reads"},
    {1, "{'descr': '<U3', 'fortran_order': False, 'shape': (2,), }", 24, 0,
     "unsupported dtype '<U3'"},
    {1, "{'descr': '<f16', 'fortran_order': False, 'shape': (2,), }", 32, 0,
     "unsupported dtype '<f16'"},
    {1, "{'descr': '|f8', 'fortran_order': False, 'shape': (2,), }", 16, 0,
     "unsupported dtype '|f8'"},
    {1, "{'descr': '', 'fortran_order': False, 'shape': (2,), }", 16, 0, "unsupported dtype ''"},
    {1, "{'descr': [('a', '<f8')], 'fortran_order': False, 'shape': (2,), }", 16, 0,
     "unsupported dtype: a structured array (named fields); backprop reads plain numbers"},
    {1, "{'descr': '<f8', 'fortran_order': False, 'shape': (10000, 10000), }", 0, 0,
     "the shape (10000,10000) is 100000000 elements: the limit is 67108864 per value"},
    {2, "{'descr': '<f8', 'fortran_order': False, 'shape': (99999999999, 1000), }", 0, 0,
     "the shape (99999999999,1000) is 99999999999000 elements: the limit is 67108864 per value"},
    {2, "{'descr': '<f8', 'fortran_order': False, 'shape': (99999999999999999999999, 9), }", 0, 0,
     "the shape (18446744073709551615,9) is "}, /* dims saturate, never wrap */
    {1, "{'descr': '<f8', 'fortran_order': False, 'shape': (1, 1, 1, 1, 1), }", 8, 0,
     "the shape (1,1,1,1,1) has 5 dimensions: the limit is 4"},
    {1, "{'descr': '<f8', 'fortran_order': False, 'shape': (3, 0), }", 0, 0,
     "the shape (3,0) is empty: a value has at least one element"},
    {1, "{'descr': '<i8', 'fortran_order': False, 'shape': (2,), }", 16, 0x7f,
     "element (0) is 9187201950435737471, which a double cannot hold exactly"},
    {1, "{'descr': '>u8', 'fortran_order': False, 'shape': (1,), }", 8, 0xff,
     "element (0) is 18446744073709551615, which a double cannot hold exactly"},
    {1, "{'descr': '|b1', 'fortran_order': False, 'shape': (2, 2), }", 4, 2,
     "element (0,0) is 2, not a bool (0 or 1)"},
    {1, "{'descr': '<f8', 'fortran_order': False}", 8, 0, "bad header: no 'shape'"},
    {1, "{'descr': '<f8', 'shape': (1,)}", 8, 0, "bad header: no 'fortran_order'"},
    {1, "{'descr': '<f8', 'fortran_order': False, 'shape': (1,), 'x': 1}", 8, 0,
     "bad header: unknown key 'x'"},
    {1, "{'descr': '<f8', 'descr': '<f8', 'fortran_order': False, 'shape': (1,)}", 8, 0,
     "bad header: 'descr' appears twice"},
    {1, "{'descr': '<f8', 'fortran_order': 0, 'shape': (1,)}", 8, 0,
     "bad header: 'fortran_order' is not True or False"},
    {1, "{'descr': '<f8', 'fortran_order': False, 'shape': [1]}", 8, 0,
     "bad header: 'shape' is not a tuple"},
    {1, "{'descr': '<f8', 'fortran_order': False, 'shape': (1, -2)}", 8, 0,
     "bad header: 'shape' must be a tuple of whole numbers"},
    {1, "{'descr': '<f8', 'fortran_order': False, 'shape': (1 2)}", 8, 0,
     "bad header: 'shape' must be a tuple of whole numbers"},
    {1, "{'descr': '<f8', 'fortran_order': False, 'shape': (1,) 'x'}", 8, 0,
     "bad header: expected ',' or '}' after 'shape'"},
    {1, "{'descr': '<f8', 'fortran_order': False, 'shape': (1,)} x", 8, 0,
     "bad header: text after the dict"},
    {1, "['descr', '<f8']", 8, 0, "bad header: it is not a dict"},
    {1, "{descr: '<f8'}", 8, 0, "bad header: expected 'key': value"},
    {1, "{'descr': 'a\\'b', 'fortran_order': False, 'shape': (1,)}", 8, 0,
     "bad header: 'descr' is not a dtype string"},
};

START_TEST(test_bad_npy) {
    unsigned char *b;
    size_t len =
        npy(&b, bad_npy[_i].major, bad_npy[_i].header, bad_npy[_i].data_len, bad_npy[_i].fill);
    Array a = {{1, {7}}, (double *)1}; /* left empty on failure, whatever it held */
    char why[256] = "";
    ck_assert(!array_read_npy(b, len, &a, why, sizeof why));
    ck_assert_msg(strncmp(why, bad_npy[_i].error, strlen(bad_npy[_i].error)) == 0,
                  "\"%s\" is not \"%s\"", why, bad_npy[_i].error);
    ck_assert_ptr_null(a.data);
    ck_assert_int_eq(a.shape.rank, 0);
    free(b);
}
END_TEST

/* What the header's frame can get wrong: bytes given as they are. */
static const struct {
    const char *bytes;
    size_t len;
    const char *error;
} bad_frame[] = {
    {"\x93NUMP", 5, "not a .npy file: it does not start with \\x93NUMPY (5 bytes)"},
    {"\x93NUMPY\x01", 7, "truncated header: the file ends after 7 bytes"},
    {"\x93NUMPY\x01\x00\x10", 9, "truncated header: the file ends after 9 bytes"},
    {"\x93NUMPY\x02\x00\x10\x00\x00", 11, "truncated header: the file ends after 11 bytes"},
    {"\x93NUMPY\x04\x00\x10\x00", 10,
     "unsupported .npy version 4.0: backprop reads 1.0, 2.0 and 3.0"},
    {"\x93NUMPY\x01\x01\x10\x00", 10, "unsupported .npy version 1.1"},
    {"\x93NUMPY\x01\x00\x10\x00{", 11,
     "truncated header: it says 16 bytes, the file has 1 after "
     "the length"},
    {"\x93NUMPY\x02\x00\x01\x00\x01\x00{", 13, "the header is 65537 bytes: the limit is 65536"},
    {"\x93NUMPY\x03\x00\x00\x00\x00\x80", 12, "the header is 2147483648 bytes: the limit is 65536"},
};

START_TEST(test_bad_npy_frame) {
    Array a;
    char why[256] = "";
    ck_assert(!array_read_npy((const unsigned char *)bad_frame[_i].bytes, bad_frame[_i].len, &a,
                              why, sizeof why));
    ck_assert_msg(strncmp(why, bad_frame[_i].error, strlen(bad_frame[_i].error)) == 0,
                  "\"%s\" is not \"%s\"", why, bad_frame[_i].error);
    ck_assert_ptr_null(a.data);
}
END_TEST

/* Headers NumPy could write differently: other spacing, no trailing
 * comma, keys in another order, double quotes, (3) for (3,), '=' order. */
static const char *const good_headers[] = {
    "{'descr': '<f8', 'fortran_order': False, 'shape': (2,), }",
    "{'descr':'<f8','fortran_order':False,'shape':(2,)}",
    "{ \"shape\" : ( 2 , ) , \"fortran_order\" : False , \"descr\" : \"<f8\" }",
    "{'descr': '<f8', 'fortran_order': True, 'shape': (2)}",
    "{'descr': 'f8', 'fortran_order': False, 'shape': (2,),}",
};

START_TEST(test_header_spellings) {
    unsigned char *b;
    size_t len = npy(&b, 1, good_headers[_i], 16, 0);
    double half = 0.5;
    memcpy(b + len - 8, &half, 8); /* the second element; the machine is little-endian */
    Array a;
    char why[256];
    ck_assert_msg(array_read_npy(b, len, &a, why, sizeof why), "%s", why);
    assert_array(&a, 1, (int32_t[]){2}, (double[]){0, 0.5});
    array_free(&a);
    free(b);
}
END_TEST

/* A header of exactly ARRAY_MAX_HEADER bytes is read (version 2.0). */
START_TEST(test_largest_header) {
    static const char dict[] = "{'descr': '<u1', 'fortran_order': False, 'shape': (1,)}";
    size_t len = 12 + ARRAY_MAX_HEADER + 1;
    unsigned char *b = malloc(len);
    memcpy(b, "\x93NUMPY\x02\x00\x00\x00\x01\x00", 12); /* 65536 */
    memcpy(b + 12, dict, sizeof dict - 1);
    memset(b + 12 + sizeof dict - 1, ' ', ARRAY_MAX_HEADER - (sizeof dict - 1) - 1);
    b[12 + ARRAY_MAX_HEADER - 1] = '\n';
    b[len - 1] = 9;
    Array a;
    char why[256];
    ck_assert_msg(array_read_npy(b, len, &a, why, sizeof why), "%s", why);
    assert_array(&a, 1, (int32_t[]){1}, (double[]){9});
    array_free(&a);
    free(b);
}
END_TEST

/* Every element of a truncated or damaged file is refused, never read
 * past: each prefix of a good file fails cleanly (ASan would see a read
 * past the end). */
START_TEST(test_every_prefix_refused) {
    unsigned char *b;
    size_t len = npy(&b, 1, "{'descr': '>f4', 'fortran_order': True, 'shape': (2, 3), }", 24, 1);
    for (size_t n = 0; n < len; n++) {
        unsigned char *copy = malloc(n + 1); /* exactly n bytes for ASan, +1 for malloc(0) */
        memcpy(copy, b, n);
        Array a;
        char why[256] = "";
        ck_assert_msg(!array_read_npy(copy, n, &a, why, sizeof why), "prefix %zu read", n);
        ck_assert(why[0] != '\0');
        free(copy);
    }
    free(b);
}
END_TEST

/* i8 and u8 integers: exact ones read, even beyond 2^53; inexact refused. */
START_TEST(test_wide_integers) {
    unsigned char *b;
    size_t len = npy(&b, 1, "{'descr': '<i8', 'fortran_order': False, 'shape': (3,), }", 24, 0);
    int64_t v[3] = {-9007199254740992, INT64_MIN, (int64_t)1 << 62};
    memcpy(b + len - 24, v, sizeof v);
    Array a;
    char why[256];
    ck_assert_msg(array_read_npy(b, len, &a, why, sizeof why), "%s", why);
    assert_array(&a, 1, (int32_t[]){3}, (double[]){-0x1p53, -0x1p63, 0x1p62});
    array_free(&a);
    v[2] = 9007199254740993; /* 2^53 + 1 */
    memcpy(b + len - 24, v, sizeof v);
    ck_assert(!array_read_npy(b, len, &a, why, sizeof why));
    ck_assert_str_eq(why, "element (2) is 9007199254740993, which a double cannot hold exactly");
    v[2] = INT64_MAX;
    memcpy(b + len - 24, v, sizeof v);
    ck_assert(!array_read_npy(b, len, &a, why, sizeof why));
    ck_assert_str_eq(why, "element (2) is 9223372036854775807, which a double cannot hold exactly");
    free(b);
}
END_TEST

/* --- CSV ---------------------------------------------------------------- */

static const struct {
    const char *text;
    int rows, cols;
    double values[8];
} good_csv[] = {
    {"1,2\n3,4\n", 2, 2, {1, 2, 3, 4}},
    {"1,2\n3,4", 2, 2, {1, 2, 3, 4}},                    /* no final newline */
    {"1,2\r\n3,4\r\n\r\n\n  \n", 2, 2, {1, 2, 3, 4}},    /* CRLF, blank lines at the end */
    {"\xEF\xBB\xBFx,y\n1,2\n", 1, 2, {1, 2}},            /* BOM, header */
    {",a\n0,5\n", 1, 2, {0, 5}},                         /* pandas' empty index header */
    {"1;2.5e-3\n-.5;+7.\n", 2, 2, {1, 2.5e-3, -0.5, 7}}, /* ';' */
    {"1\t2\n3 \t 4\n", 2, 2, {1, 2, 3, 4}},              /* tab, spaces around */
    {"\"1\", \"2\"\n\"3\" ,4\n", 2, 2, {1, 2, 3, 4}},    /* quoted */
    {"\"a,b\",\"c\"\"d\"\n1,2\n", 1, 2, {1, 2}},         /* delimiter and quote in a header */
    {"nan,NaN,-inf,+Inf\nINFINITY,-Infinity,1E3,1e-400\n",
     2,
     4,
     {NAN, NAN, -INFINITY, INFINITY, INFINITY, -INFINITY, 1000, 0}},
    {"1e999\n", 1, 1, {INFINITY}}, /* beyond a double: inf, as NumPy */
    {"5", 1, 1, {5}},
    {"y\n1\n2\n3\n", 3, 1, {1, 2, 3}},
};

START_TEST(test_good_csv) {
    Array a;
    char why[256];
    ck_assert_msg(array_read_csv(good_csv[_i].text, strlen(good_csv[_i].text), &a, why, sizeof why),
                  "%s", why);
    assert_array(&a, 2, (int32_t[]){good_csv[_i].rows, good_csv[_i].cols}, good_csv[_i].values);
    array_free(&a);
}
END_TEST

static const struct {
    const char *text, *error;
} bad_csv[] = {
    {"", "the file is empty"},
    {"\xEF\xBB\xBF\n \n", "the file is empty"},
    {"x,y\n", "no numbers: the file has only a header"},
    {"1,2\n3,\n", "line 2, column 2: empty cell"},
    {"1,2\n,3\n", "line 2, column 1: empty cell"},
    {"1,,2\n", "line 1, column 2: empty cell"},
    {"1,2\n\"\",3\n", "line 2, column 1: empty cell"},
    {"1,2\n3\n", "line 2, column 2: missing cell: line 1 has 2 columns"},
    {"a,b,c\n1,2,3\n4,5\n", "line 3, column 3: missing cell: line 1 has 3 columns"},
    {"1,2\n3,4,5\n", "line 2, column 3: one cell too many: line 1 has 2 columns"},
    {"1,2\n\n3,4\n", "line 2, column 1: empty line"},
    {"1,2\n3,x\n", "line 2, column 2: 'x' is not a number"},
    {"x,y\n1,2\nfoo,3\n", "line 3, column 1: 'foo' is not a number"},
    {"1;2\n3,5;4\n", "line 2, column 1: '3,5' is not a number"},
    {"1,5;2\n", "line 1 holds both ',' and ';': a file uses one delimiter (',', ';' or tab)"},
    {"1\t2;3\n", "line 1 holds both ';' and tab"},
    {"1,2\n\"3,4\n", "line 2, column 1: a quote that does not close on its line"},
    {"1,2\n\"3\"x,4\n", "line 2, column 1: text after the closing quote"},
    {"1,2\n0x10,1\n", "line 2, column 1: '0x10' is not a number"},
    {"1,2\n1e,1\n", "line 2, column 1: '1e' is not a number"},
    {"1,2\n.,1\n", "line 2, column 1: '.' is not a number"},
    {"1,2\nnan(1),1\n", "line 2, column 1: 'nan(1)' is not a number"},
    {"1,2\n1\r2,3\n", "line 2, column 1: '1?2' is not a number"},
    {"1,2\n\x1b[31m,3\n", "line 2, column 1: '?[31m' is not a number"},
    {"1,2\n123456789012345678901234567890123456789x123,3\n",
     "line 2, column 1: '123456789012345678901234567890123456789x...' is not a number"},
};

START_TEST(test_bad_csv) {
    Array a = {{1, {7}}, (double *)1};
    char why[256] = "";
    ck_assert(!array_read_csv(bad_csv[_i].text, strlen(bad_csv[_i].text), &a, why, sizeof why));
    ck_assert_msg(strncmp(why, bad_csv[_i].error, strlen(bad_csv[_i].error)) == 0,
                  "\"%s\" is not \"%s\"", why, bad_csv[_i].error);
    ck_assert_ptr_null(a.data);
}
END_TEST

/* More rows x columns than a value holds is refused before any number is
 * read or any memory is spent on them: 1025 rows of 65536 columns, from a
 * file of 130 KB. */
START_TEST(test_csv_over_the_cap) {
    size_t cols = 65536, rows = 1025, len = 2 * cols + 2 * (rows - 1);
    char *text = malloc(len + 1);
    for (size_t i = 0; i < cols; i++)
        memcpy(text + 2 * i, "0,", 2);
    text[2 * cols - 1] = '\n';
    for (size_t r = 1; r < rows; r++)
        memcpy(text + 2 * cols + 2 * (r - 1), "0\n", 2);
    Array a;
    char why[256];
    ck_assert(!array_read_csv(text, len, &a, why, sizeof why));
    ck_assert_str_eq(why, "1025 rows of 65536 columns is 67174400 elements: the limit is 67108864 "
                          "per value");
    free(text);
}
END_TEST

/* --- array_read_file ---------------------------------------------------- */

START_TEST(test_read_file_errors) {
    Array a;
    char why[256], path[512];
    snprintf(path, sizeof path, "%s/missing.npy", tmpdir);
    ck_assert(!array_read_file(path, &a, why, sizeof why));
    ck_assert_str_eq(why, "No such file or directory");
    ck_assert(!array_read_file(tmpdir, &a, why, sizeof why));
    ck_assert_str_eq(why, "it is a directory, not a file");
    ck_assert(!array_read_file("/dev/zero", &a, why, sizeof why)); /* would never end */
    ck_assert_str_eq(why, "it is a device, not a file");
    snprintf(path, sizeof path, "%s/empty.csv", tmpdir);
    FILE *f = fopen(path, "w");
    fclose(f);
    ck_assert(!array_read_file(path, &a, why, sizeof why));
    ck_assert_str_eq(why, "the file is empty");
    ck_assert_ptr_null(a.data);
}
END_TEST

/* --- array_write_npy ---------------------------------------------------- */

/* Exactly the bytes numpy.save writes for an (3,4) '<f8' array's header. */
START_TEST(test_write_header_as_numpy) {
    char path[512], why[256];
    snprintf(path, sizeof path, "%s/w.npy", tmpdir);
    double data[12] = {0};
    ck_assert_msg(array_write_npy(path, &(Shape){2, {3, 4}}, data, why, sizeof why), "%s", why);
    FILE *f = fopen(path, "rb");
    unsigned char head[128];
    ck_assert_uint_eq(fread(head, 1, sizeof head, f), 128 - 0);
    fseek(f, 0, SEEK_END);
    ck_assert_int_eq(ftell(f), 128 + 96);
    fclose(f);
    static const char want[] = "\x93NUMPY\x01\x00\x76\x00{'descr': '<f8', 'fortran_order': False, "
                               "'shape': (3, 4), }";
    ck_assert_mem_eq(head, want, sizeof want - 1);
    for (size_t i = sizeof want - 1; i < 127; i++)
        ck_assert_int_eq(head[i], ' ');
    ck_assert_int_eq(head[127], '\n');
}
END_TEST

static const struct {
    Shape shape;
    double values[6];
} round_trips[] = {
    {{0, {0}}, {-0.0}},
    {{1, {1}}, {NAN}},
    {{1, {5}}, {-0.0, INFINITY, -INFINITY, 0x1p-1074, 1.7976931348623157e308}},
    {{2, {2, 3}}, {1, 2, 3, 4, 5, 6}},
    {{4, {1, 2, 1, 3}}, {0.1, 0.2, 0.3, -0.1, -0.2, -0.3}},
};

/* What array_write_npy writes, array_read_file reads back bit for bit. */
START_TEST(test_write_read_back) {
    char path[512], why[256];
    snprintf(path, sizeof path, "%s/r%d.npy", tmpdir, _i);
    const Shape *s = &round_trips[_i].shape;
    ck_assert_msg(array_write_npy(path, s, round_trips[_i].values, why, sizeof why), "%s", why);
    Array a;
    ck_assert_msg(array_read_file(path, &a, why, sizeof why), "%s", why);
    ck_assert(shape_equal(&a.shape, s));
    for (size_t i = 0; i < shape_size(s); i++) {
        uint64_t x, y;
        memcpy(&x, &a.data[i], 8);
        memcpy(&y, &round_trips[_i].values[i], 8);
        ck_assert_msg(x == y, "element %zu: %016llx is not %016llx", i, (unsigned long long)x,
                      (unsigned long long)y);
    }
    array_free(&a);
}
END_TEST

START_TEST(test_write_refused) {
    char path[512], why[256];
    snprintf(path, sizeof path, "%s/no/such/dir/x.npy", tmpdir);
    ck_assert(!array_write_npy(path, &(Shape){1, {1}}, (double[]){1}, why, sizeof why));
    ck_assert_str_eq(why, "No such file or directory");
    ck_assert(!array_write_npy(tmpdir, &(Shape){1, {1}}, (double[]){1}, why, sizeof why));
    ck_assert_str_eq(why, "it is a directory, not a regular file (backprop writes only regular "
                          "files)");
    snprintf(path, sizeof path, "%s/big.npy", tmpdir);
    ck_assert(!array_write_npy(path, &(Shape){2, {65536, 65536}}, (double[]){1}, why, sizeof why));
    ck_assert_str_eq(why, "cannot write a value of shape (65536,65536)");
}
END_TEST

/* --- with NumPy, when python3-numpy is installed ------------------------- */

/* A python3 that imports numpy ("python3" first, then Debian's own, which
 * is where python3-numpy installs when another python3 comes first on
 * PATH), or NULL. */
static const char *numpy_python(void) {
    static const char *const candidates[] = {"python3", "/usr/bin/python3"};
    for (size_t i = 0; i < sizeof candidates / sizeof candidates[0]; i++) {
        char cmd[256];
        snprintf(cmd, sizeof cmd, "%s -c 'import numpy' >/dev/null 2>&1", candidates[i]);
        if (system(cmd) == 0) return candidates[i];
    }
    return NULL;
}

/* Every dtype, byte order, memory order, rank and header version NumPy
 * writes (tests/data/numpy_arrays.py every) reads as NumPy converts it to
 * float64, bit for bit. */
START_TEST(test_numpy_every_dtype) {
    const char *python = numpy_python();
    if (!python) {
        fprintf(stderr, "test_numpy_every_dtype: skipped: no python3 with numpy (python3-numpy)\n");
        return;
    }
    char cmd[1024];
    snprintf(cmd, sizeof cmd, "%s %s/numpy_arrays.py every %s", python, BP_TEST_DATA, tmpdir);
    ck_assert_int_eq(system(cmd), 0);
    DIR *d = opendir(tmpdir);
    ck_assert_ptr_nonnull(d);
    int files = 0;
    for (struct dirent *e; (e = readdir(d));) {
        size_t n = strlen(e->d_name);
        if (n < 4 || strcmp(e->d_name + n - 4, ".npy") != 0) continue;
        char path[512], expect[512], why[256];
        snprintf(path, sizeof path, "%s/%s", tmpdir, e->d_name);
        snprintf(expect, sizeof expect, "%s/%.*s.expect", tmpdir, (int)(n - 4), e->d_name);
        Array a;
        ck_assert_msg(array_read_file(path, &a, why, sizeof why), "%s: %s", e->d_name, why);
        FILE *f = fopen(expect, "r");
        ck_assert_ptr_nonnull(f);
        int rank;
        ck_assert_int_eq(fscanf(f, "%d", &rank), 1);
        ck_assert_msg(a.shape.rank == rank, "%s: rank %d, not %d", e->d_name, a.shape.rank, rank);
        for (int k = 0; k < rank; k++) {
            int dim;
            ck_assert_int_eq(fscanf(f, "%d", &dim), 1);
            ck_assert_int_eq(a.shape.dims[k], dim);
        }
        for (size_t i = 0; i < shape_size(&a.shape); i++) {
            char hex[17];
            ck_assert_int_eq(fscanf(f, "%16s", hex), 1);
            unsigned char bytes[8]; /* struct.pack("<d").hex(): little-endian bytes */
            for (int b = 0; b < 8; b++)
                ck_assert_int_eq(sscanf(hex + 2 * b, "%2hhx", &bytes[b]), 1);
            uint64_t want = 0, got;
            for (int b = 0; b < 8; b++)
                want |= (uint64_t)bytes[b] << (8 * b);
            double w;
            memcpy(&w, &want, 8);
            memcpy(&got, &a.data[i], 8);
            ck_assert_msg(same(a.data[i], w), "%s: element %zu is %016llx, numpy says %016llx",
                          e->d_name, i, (unsigned long long)got, (unsigned long long)want);
        }
        fclose(f);
        array_free(&a);
        files++;
    }
    closedir(d);
    ck_assert_int_eq(files, 12 * 2 * 2 * 5);
}
END_TEST

/* numpy.load reads what array_write_npy wrote: '<f8', the shape, and the
 * very bytes (-0.0, inf, nan and a subnormal included). */
START_TEST(test_numpy_reads_export) {
    const char *python = numpy_python();
    if (!python) {
        fprintf(stderr,
                "test_numpy_reads_export: skipped: no python3 with numpy (python3-numpy)\n");
        return;
    }
    const Shape *s = &round_trips[_i].shape;
    char path[512], raw[512], why[256], cmd[2048];
    snprintf(path, sizeof path, "%s/x%d.npy", tmpdir, _i);
    snprintf(raw, sizeof raw, "%s/x%d.raw", tmpdir, _i);
    ck_assert_msg(array_write_npy(path, s, round_trips[_i].values, why, sizeof why), "%s", why);
    FILE *f = fopen(raw, "wb");
    int64_t head[1 + BP_MAX_RANK] = {s->rank};
    for (int k = 0; k < s->rank; k++)
        head[1 + k] = s->dims[k];
    fwrite(head, 8, 1 + (size_t)s->rank, f); /* the machine is little-endian, as '<q' */
    fwrite(round_trips[_i].values, 8, shape_size(s), f);
    fclose(f);
    snprintf(cmd, sizeof cmd, "%s %s/numpy_arrays.py compare %s %s", python, BP_TEST_DATA, path,
             raw);
    ck_assert_int_eq(system(cmd), 0);
}
END_TEST

static Suite *array_suite(void) {
    Suite *s = suite_create("array");
    TCase *tc = tcase_create("npy");
    tcase_add_loop_test(tc, test_shipped_files, 0, sizeof shipped / sizeof shipped[0]);
    tcase_add_test(tc, test_shipped_u1);
    tcase_add_loop_test(tc, test_bad_npy, 0, sizeof bad_npy / sizeof bad_npy[0]);
    tcase_add_loop_test(tc, test_bad_npy_frame, 0, sizeof bad_frame / sizeof bad_frame[0]);
    tcase_add_loop_test(tc, test_header_spellings, 0, sizeof good_headers / sizeof good_headers[0]);
    tcase_add_test(tc, test_largest_header);
    tcase_add_test(tc, test_every_prefix_refused);
    tcase_add_test(tc, test_wide_integers);
    suite_add_tcase(s, tc);
    tc = tcase_create("csv");
    tcase_add_loop_test(tc, test_good_csv, 0, sizeof good_csv / sizeof good_csv[0]);
    tcase_add_loop_test(tc, test_bad_csv, 0, sizeof bad_csv / sizeof bad_csv[0]);
    tcase_add_test(tc, test_csv_over_the_cap);
    suite_add_tcase(s, tc);
    tc = tcase_create("files");
    tcase_add_unchecked_fixture(tc, make_tmpdir, remove_tmpdir);
    tcase_add_test(tc, test_read_file_errors);
    tcase_add_test(tc, test_write_header_as_numpy);
    tcase_add_loop_test(tc, test_write_read_back, 0, sizeof round_trips / sizeof round_trips[0]);
    tcase_add_test(tc, test_write_refused);
    suite_add_tcase(s, tc);
    tc = tcase_create("numpy");
    tcase_add_unchecked_fixture(tc, make_tmpdir, remove_tmpdir);
    tcase_add_test(tc, test_numpy_every_dtype);
    tcase_add_loop_test(tc, test_numpy_reads_export, 0, sizeof round_trips / sizeof round_trips[0]);
    suite_add_tcase(s, tc);
    return s;
}

CHECK_MAIN(array_suite)

#ifndef CNCURSESW_SHIM_H
#define CNCURSESW_SHIM_H
/* SwiftPM drops pkg-config's -D flags, so request the wide-character API here. */
#define NCURSES_WIDECHAR 1
#include <ncursesw/curses.h>
#include <locale.h>
#include <langinfo.h>
#include <string.h>

/* C globals: Swift 6 rejects reading them directly ("not concurrency-safe"). */
static inline WINDOW *tt_stdscr(void) { return stdscr; }
static inline int tt_colors(void) { return COLORS; }
static inline int tt_color_pairs(void) { return COLOR_PAIRS; }
/* Attribute macros are not imported; constants are. */
static const attr_t TT_A_NORMAL = A_NORMAL;
static const attr_t TT_A_BOLD = A_BOLD;
static const attr_t TT_A_DIM = A_DIM;
static const attr_t TT_A_REVERSE = A_REVERSE;
static const attr_t TT_A_UNDERLINE = A_UNDERLINE;
/* Mouse masks are built by a function-like macro, which Swift does not import. */
static const mmask_t TT_BUTTON1_PRESSED = BUTTON1_PRESSED;
static const mmask_t TT_BUTTON2_PRESSED = BUTTON2_PRESSED;
static const mmask_t TT_BUTTON3_PRESSED = BUTTON3_PRESSED;
static const mmask_t TT_BUTTON4_PRESSED = BUTTON4_PRESSED; /* the wheel turned up */
static const mmask_t TT_BUTTON5_PRESSED = BUTTON5_PRESSED; /* the wheel turned down */
/* A terminfo string capability (e.g. "rmcup"), or NULL when the terminal has none. */
static inline const char *tt_terminfo_string(const char *name) {
    char *value = tigetstr((NCURSES_CONST char *)name);
    return (value == NULL || value == (char *)-1) ? NULL : value;
}
/* The locale from the environment, falling back to C.UTF-8 when it is not UTF-8. Returns 1 if UTF-8. */
static inline int tt_setlocale_utf8(void) {
    setlocale(LC_ALL, "");
    if (strcmp(nl_langinfo(CODESET), "UTF-8") != 0) setlocale(LC_ALL, "C.UTF-8");
    return strcmp(nl_langinfo(CODESET), "UTF-8") == 0;
}
#endif

#ifndef CTERMINALGUARD_H
#define CTERMINALGUARD_H
/* Gives the terminal back when the process dies of a signal while the dashboard owns it.
 *
 * The saved settings live in this file's static storage, prepared before any handler is
 * installed, so the handlers only call async-signal-safe functions (write, tcsetattr,
 * sigaction, raise). Swift holds no mutable global for it. */
#include <stddef.h>
#include <termios.h>

/* Saves `original` (the settings to go back to) and `reset` (bytes that leave the alternate
 * screen, show the cursor and reset colours; at most 255 are kept) for terminal `fd`, then
 * handles every signal that would end the process with the terminal raw:
 *   - SIGHUP, SIGQUIT, SIGUSR1, SIGUSR2, SIGPIPE, SIGALRM, SIGVTALRM, SIGPROF, SIGXCPU, SIGXFSZ:
 *     restore, then die of the same signal with its default action (exit status 128 + signal);
 *   - SIGSEGV, SIGBUS, SIGILL, SIGTRAP, SIGFPE, SIGABRT, SIGSYS (traps, crashes): restore, then
 *     hand the signal to whatever handled it before (Swift's crash reporter, or the default),
 *     which now prints on a sane terminal; sent by another process (kill), they end the
 *     process with the default action, as the terminating signals do.
 * Signals that were ignored stay ignored. Handlers run on an alternate stack when the calling
 * thread had none, so a stack overflow is handled too. Returns 0, or -1 if already installed. */
int tt_terminal_guard_install(int fd, const struct termios *original, const char *reset, size_t length);

/* Puts back the handlers that were there before `tt_terminal_guard_install` (call it after the
 * terminal has been restored normally). Does nothing if not installed. */
void tt_terminal_guard_uninstall(void);
#endif

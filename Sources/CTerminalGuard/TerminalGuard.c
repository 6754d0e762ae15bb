/* sigaction, siginfo_t, sigaltstack and SA_ONSTACK are POSIX/XSI, not plain C. */
#define _XOPEN_SOURCE 700

#include "CTerminalGuard.h"

#include <errno.h>
#include <signal.h>
#include <pthread.h>
#include <string.h>
#include <unistd.h>

/* Signals whose default action ends the process: after restoring, die of them as usual. */
static const int terminating_signals[] = {
    SIGHUP, SIGQUIT, SIGUSR1, SIGUSR2, SIGPIPE, SIGALRM, SIGVTALRM, SIGPROF, SIGXCPU, SIGXFSZ,
};
/* Crashes and traps: after restoring, let the previous handler (a crash reporter) run. */
static const int crash_signals[] = { SIGSEGV, SIGBUS, SIGILL, SIGTRAP, SIGFPE, SIGABRT, SIGSYS };

enum { terminating_count = sizeof terminating_signals / sizeof terminating_signals[0] };
enum { crash_count = sizeof crash_signals / sizeof crash_signals[0] };
enum { signal_count = terminating_count + crash_count };
enum { alternate_stack_size = 1 << 16 };

/* Prepared completely before the first handler is installed; handlers only read them. */
static struct termios saved_settings;
static int terminal_fd = -1;
static char reset_bytes[256];
static size_t reset_length;
static int handled[signal_count];
static struct sigaction previous_actions[signal_count];
static int installed_count;
static volatile sig_atomic_t installed;
static char alternate_stack[alternate_stack_size];

static int is_crash_signal(int number) {
    for (int i = 0; i < crash_count; i++) {
        if (crash_signals[i] == number) return 1;
    }
    return 0;
}

static void restore_terminal(void) {
    if (terminal_fd < 0) return;
    size_t written = 0;
    while (written < reset_length) {
        ssize_t n = write(terminal_fd, reset_bytes + written, reset_length - written);
        if (n < 0 && errno == EINTR) continue;
        if (n <= 0) break;
        written += (size_t)n;
    }
    tcsetattr(terminal_fd, TCSANOW, &saved_settings);
}

static void guard_handler(int number, siginfo_t *info, void *context) {
    (void)context;
    int saved_errno = errno;
    restore_terminal();
    /* A crash of this process (a fault, a trap, abort) goes on to the previous handler, Swift's
       crash reporter, which now prints on a sane terminal. The same signal sent by another
       process (kill) is no crash here: like the terminating signals, it ends the process with
       the default action. */
    int sent_by_kill = info == NULL || info->si_code == SI_USER || info->si_code == SI_QUEUE;
    int crashed = is_crash_signal(number) && !sent_by_kill;
    struct sigaction next;
    memset(&next, 0, sizeof next);
    next.sa_handler = SIG_DFL;
    sigemptyset(&next.sa_mask);
    if (crashed) {
        for (int i = 0; i < installed_count; i++) {
            if (handled[i] == number) next = previous_actions[i];
        }
    }
    sigaction(number, &next, NULL);
    /* A fault raised by an instruction (si_code > 0) happens again when the instruction is
       retried; any other signal is raised again, and arrives when this handler returns. */
    if (!crashed || info->si_code <= 0) raise(number);
    errno = saved_errno;
}

int tt_terminal_guard_install(int fd, const struct termios *original, const char *reset, size_t length) {
    if (installed) return -1;
    saved_settings = *original;
    terminal_fd = fd;
    reset_length = length < sizeof reset_bytes - 1 ? length : sizeof reset_bytes - 1;
    memcpy(reset_bytes, reset, reset_length);

    stack_t current;
    if (sigaltstack(NULL, &current) == 0 && (current.ss_flags & SS_DISABLE)) {
        stack_t stack = { .ss_sp = alternate_stack, .ss_size = sizeof alternate_stack, .ss_flags = 0 };
        sigaltstack(&stack, NULL);
    }

    struct sigaction action;
    memset(&action, 0, sizeof action);
    action.sa_sigaction = guard_handler;
    action.sa_flags = SA_SIGINFO | SA_ONSTACK;
    sigfillset(&action.sa_mask);

    installed_count = 0;
    for (int i = 0; i < signal_count; i++) {
        int number = i < terminating_count ? terminating_signals[i] : crash_signals[i - terminating_count];
        struct sigaction before;
        if (sigaction(number, NULL, &before) != 0) continue;
        if (!(before.sa_flags & SA_SIGINFO) && before.sa_handler == SIG_IGN) continue;
        handled[installed_count] = number;
        previous_actions[installed_count] = before;
        installed_count++;
    }
    installed = 1;
    for (int i = 0; i < installed_count; i++) sigaction(handled[i], &action, NULL);
    /* A process may start with these signals blocked (inherited from whatever started it, e.g. a
       tmux server forked from a thread that blocks them): then a hang-up would stay pending forever
       and never restore the terminal. Unblock them on this thread, which then receives them. */
    sigset_t unblock;
    sigemptyset(&unblock);
    for (int i = 0; i < installed_count; i++) sigaddset(&unblock, handled[i]);
    pthread_sigmask(SIG_UNBLOCK, &unblock, NULL);
    return 0;
}

void tt_terminal_guard_uninstall(void) {
    if (!installed) return;
    for (int i = 0; i < installed_count; i++) sigaction(handled[i], &previous_actions[i], NULL);
    installed = 0;
    terminal_fd = -1;
}

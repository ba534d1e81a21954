//! The one process runner of the harness: run a child to completion or to its deadline, and measure
//! it: wall time, user and system CPU time and max RSS from the kernel's `wait4` rusage of exactly
//! that child, its stdout and stderr, and how it ended, classified like every compiler run
//! ([`Outcome`]: success, compile error, ICE, timeout, killed by a signal).
//!
//! Both pipes are drained on threads so a chatty child cannot block on a full pipe, and they report
//! over channels: after a timeout the child is killed, but a grandchild (a linker, a shell's
//! background job) may still hold the pipes open, and the runner does not wait for it. Every tool
//! runs processes through here, directly ([`run`] with a [`Cmd`]) or through
//! [`crate::rustc::Invocation`].

use crate::rustc::Outcome;
use std::io::Read;
use std::path::PathBuf;
use std::process::{Command, Stdio};
use std::sync::mpsc;
use std::time::{Duration, Instant};

/// A command to run: program, arguments, working directory, and its complete environment.
#[derive(Clone, Debug, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct Cmd {
    pub program: PathBuf,
    pub args: Vec<String>,
    pub cwd: PathBuf,
    /// When set, the child gets exactly this environment.
    pub env: Option<Vec<(String, String)>>,
}

impl Cmd {
    /// The command line as a user would type it.
    pub fn display(&self) -> String {
        std::iter::once(self.program.display().to_string())
            .chain(self.args.iter().cloned())
            .collect::<Vec<_>>()
            .join(" ")
    }

    /// The same command run by `program` (e.g. valgrind) with `pre` arguments in front.
    pub fn wrapped(&self, program: &str, pre: &[String]) -> Cmd {
        let mut args = pre.to_vec();
        args.push(self.program.display().to_string());
        args.extend(self.args.iter().cloned());
        Cmd {
            program: program.into(),
            args,
            cwd: self.cwd.clone(),
            env: self.env.clone(),
        }
    }
}

/// How one run ended, what it printed and what it cost.
#[derive(Clone, Debug)]
pub struct Measured {
    pub outcome: Outcome,
    pub stdout: String,
    pub stderr: String,
    pub wall: Duration,
    pub user: Duration,
    pub sys: Duration,
    pub max_rss_kib: u64,
}

impl Measured {
    pub fn cpu(&self) -> Duration {
        self.user + self.sys
    }
}

/// Run `cmd` to completion (or kill it after `timeout`) and measure it.
pub fn run(cmd: &Cmd, timeout: Duration) -> std::io::Result<Measured> {
    let mut c = Command::new(&cmd.program);
    c.args(&cmd.args).current_dir(&cmd.cwd);
    if let Some(env) = &cmd.env {
        c.env_clear().envs(env.iter().map(|(k, v)| (k, v)));
    }
    run_command(c, timeout)
}

/// Run a prepared [`Command`] (stdin closed, stdout and stderr captured) to completion or timeout.
/// Only failing to start the program is an `Err`.
pub fn run_command(mut c: Command, timeout: Duration) -> std::io::Result<Measured> {
    c.stdin(Stdio::null()).stdout(Stdio::piped()).stderr(Stdio::piped());
    let start = Instant::now();
    let mut child = c.spawn().map_err(|e| {
        std::io::Error::new(
            e.kind(),
            format!("cannot start {}: {e}", c.get_program().to_string_lossy()),
        )
    })?;
    let pid = child.id() as libc::pid_t;
    // Drain both pipes on threads so a chatty child cannot block on a full pipe. They report over
    // channels: after a timeout, a grandchild may still hold the pipes open, and we do not wait for it.
    let drain = |mut pipe: Box<dyn Read + Send>| {
        let (tx, rx) = mpsc::channel();
        std::thread::spawn(move || {
            let mut s = Vec::new();
            let _ = pipe.read_to_end(&mut s);
            let _ = tx.send(String::from_utf8_lossy(&s).into_owned());
        });
        rx
    };
    let out_t = drain(Box::new(child.stdout.take().expect("piped")));
    let err_t = drain(Box::new(child.stderr.take().expect("piped")));

    // A watchdog kills the child at the deadline; the main thread reaps it with wait4 either way.
    let (done_tx, done_rx) = mpsc::channel::<()>();
    let watchdog = std::thread::spawn(move || {
        if done_rx.recv_timeout(timeout) == Err(mpsc::RecvTimeoutError::Timeout) {
            // Safety: plain syscall; the pid is our unreaped child, so it cannot have been reused.
            unsafe { libc::kill(pid, libc::SIGKILL) };
            return true;
        }
        false
    });
    let mut status: libc::c_int = 0;
    // Safety: zeroed rusage is a valid value for the kernel to overwrite.
    let mut usage: libc::rusage = unsafe { std::mem::zeroed() };
    let r = loop {
        // Safety: wait4 on our own child's pid with valid out-pointers.
        let r = unsafe { libc::wait4(pid, &mut status, 0, &mut usage) };
        if r == -1 && std::io::Error::last_os_error().kind() == std::io::ErrorKind::Interrupted {
            continue;
        }
        break r;
    };
    let wall = start.elapsed();
    let _ = done_tx.send(());
    let timed_out = watchdog.join().unwrap_or(false);
    // The child is reaped; keep std from trying again.
    std::mem::forget(child);
    if r == -1 {
        return Err(std::io::Error::last_os_error());
    }
    let collect = |rx: mpsc::Receiver<String>| match timed_out {
        true => rx.recv_timeout(Duration::from_secs(2)).unwrap_or_default(),
        false => rx.recv().unwrap_or_default(),
    };
    let stdout = collect(out_t);
    let stderr = collect(err_t);
    let code = libc::WIFEXITED(status).then(|| libc::WEXITSTATUS(status));
    let outcome = if timed_out {
        Outcome::TimedOut {
            after_secs: timeout.as_secs_f64(),
        }
    } else if libc::WIFSIGNALED(status) {
        let sig = libc::WTERMSIG(status);
        match Outcome::classify(None, &stderr) {
            Outcome::Ice { message } => Outcome::Ice { message },
            _ => Outcome::Crashed {
                detail: format!("killed by signal {sig} ({})", signal_name(sig)),
            },
        }
    } else {
        Outcome::classify(code, &stderr)
    };
    let tv = |t: libc::timeval| Duration::from_secs(t.tv_sec as u64) + Duration::from_micros(t.tv_usec as u64);
    Ok(Measured {
        outcome,
        stdout,
        stderr,
        wall,
        user: tv(usage.ru_utime),
        sys: tv(usage.ru_stime),
        // Linux reports ru_maxrss in KiB.
        max_rss_kib: usage.ru_maxrss as u64,
    })
}

fn signal_name(sig: i32) -> &'static str {
    match sig {
        libc::SIGABRT => "SIGABRT",
        libc::SIGSEGV => "SIGSEGV",
        libc::SIGKILL => "SIGKILL",
        libc::SIGINT => "SIGINT",
        libc::SIGTERM => "SIGTERM",
        libc::SIGBUS => "SIGBUS",
        libc::SIGILL => "SIGILL",
        _ => "signal",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sh(script: &str) -> Cmd {
        Cmd {
            program: "/bin/sh".into(),
            args: vec!["-c".into(), script.into()],
            cwd: std::env::temp_dir(),
            env: None,
        }
    }

    #[test]
    fn measures_cpu_and_memory_of_the_child() {
        // Busy for a moment so user time is visibly non-zero.
        let m = run(
            &sh("i=0; while [ $i -lt 20000 ]; do i=$((i+1)); done"),
            Duration::from_secs(30),
        )
        .unwrap();
        assert_eq!(m.outcome, Outcome::Success);
        assert!(m.cpu() > Duration::from_millis(1), "{m:?}");
        assert!(m.max_rss_kib > 100, "{m:?}");
        assert!(m.wall >= m.cpu() / 2);
    }

    #[test]
    fn classifies_abort_and_timeout() {
        let m = run(&sh("kill -ABRT $$"), Duration::from_secs(30)).unwrap();
        assert!(
            matches!(&m.outcome, Outcome::Crashed { detail } if detail.contains("SIGABRT")),
            "{m:?}"
        );
        let m = run(&sh("echo 'error[E0658]: nope' >&2; exit 1"), Duration::from_secs(30)).unwrap();
        assert_eq!(
            m.outcome,
            Outcome::CompileError {
                first_error: "error[E0658]: nope".into()
            }
        );
        let m = run(&sh("sleep 20"), Duration::from_millis(300)).unwrap();
        assert!(matches!(m.outcome, Outcome::TimedOut { .. }), "{m:?}");
        assert!(m.wall < Duration::from_secs(10));
    }

    #[test]
    fn a_grandchild_holding_the_pipes_does_not_hold_the_runner() {
        // The shell is killed at the deadline; its background `sleep` keeps stdout and stderr open.
        let started = Instant::now();
        let m = run(&sh("echo before; sleep 30 & sleep 30"), Duration::from_millis(300)).unwrap();
        assert!(matches!(m.outcome, Outcome::TimedOut { .. }), "{m:?}");
        assert!(started.elapsed() < Duration::from_secs(10), "{:?}", started.elapsed());
    }

    #[test]
    fn keeps_stdout() {
        let m = run(&sh("echo out; echo err >&2"), Duration::from_secs(30)).unwrap();
        assert_eq!((m.stdout.as_str(), m.stderr.as_str()), ("out\n", "err\n"));
    }
}

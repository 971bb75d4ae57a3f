//! Running the `otel-genai` command in tests: `serve` as a child process on loopback ports
//! chosen by the system, and the other commands to completion.

#![allow(dead_code)]

use std::io::{BufRead as _, BufReader};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::mpsc;
use std::time::Duration;

pub mod otlp;

pub const EXE: &str = env!("CARGO_BIN_EXE_otel-genai");

/// A fresh directory under the system's temporary one.
pub fn scratch(name: &str) -> PathBuf {
    static NEXT: AtomicUsize = AtomicUsize::new(0);
    let dir = std::env::temp_dir().join(format!(
        "otel-genai-{name}-{}-{}",
        std::process::id(),
        NEXT.fetch_add(1, Ordering::Relaxed)
    ));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

/// `otel-genai serve`, running.
pub struct Serve {
    pub child: Child,
    pub grpc: String,
    pub http: String,
    lines: mpsc::Receiver<String>,
    pub said: Vec<String>,
}

impl Serve {
    /// Starts `serve` on free loopback ports (or the ones `args` names) with the store `db`.
    pub fn start(db: &Path, args: &[&str]) -> Serve {
        let mut command = Command::new(EXE);
        command.arg("--db").arg(db).arg("serve").args(["--progress", "0"]);
        if !args.contains(&"--grpc") {
            command.args(["--grpc", "127.0.0.1:0"]);
        }
        if !args.contains(&"--http") {
            command.args(["--http", "127.0.0.1:0"]);
        }
        let mut child = command.args(args).stderr(Stdio::piped()).stdout(Stdio::null()).spawn().unwrap();
        let stderr = child.stderr.take().unwrap();
        let (send, lines) = mpsc::channel();
        std::thread::spawn(move || {
            for line in BufReader::new(stderr).lines().map_while(Result::ok) {
                if send.send(line).is_err() {
                    return;
                }
            }
        });
        let mut said = Vec::new();
        loop {
            let Ok(line) = lines.recv_timeout(Duration::from_secs(20)) else {
                let _ = child.kill();
                let status = child.wait();
                panic!("serve did not start ({status:?}); it said: {said:?}");
            };
            said.push(line.clone());
            // otel-genai: receiving OTLP/gRPC on 127.0.0.1:PORT and OTLP/HTTP on 127.0.0.1:PORT; storing in ...
            if let Some(rest) = line.strip_prefix("otel-genai: receiving OTLP/gRPC on ") {
                let (grpc, rest) = rest.split_once(" and OTLP/HTTP on ").unwrap();
                let http = rest.split_once(';').unwrap().0;
                return Serve { child, grpc: grpc.to_owned(), http: http.to_owned(), lines, said };
            }
        }
    }

    /// Stops it as Ctrl-C would, and returns everything it said.
    pub fn stop(mut self) -> Vec<String> {
        let _ = Command::new("kill").args(["-INT", &self.child.id().to_string()]).status();
        let status = self.child.wait().unwrap();
        self.said.extend(self.lines.try_iter());
        while let Ok(line) = self.lines.recv_timeout(Duration::from_millis(500)) {
            self.said.push(line);
        }
        assert!(status.success(), "serve exited with {status}: {:?}", self.said);
        std::mem::take(&mut self.said)
    }

    /// Kills it at once, as a crash would.
    pub fn kill(mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

impl Drop for Serve {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// Runs `otel-genai --db DB ARGS...`: exit success, stdout, stderr.
pub fn run(db: &Path, args: &[&str]) -> (bool, String, String) {
    let output = Command::new(EXE).arg("--db").arg(db).args(args).output().unwrap();
    (output.status.success(), String::from_utf8(output.stdout).unwrap(), String::from_utf8(output.stderr).unwrap())
}

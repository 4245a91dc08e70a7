//! The web page in a real browser, for the page's test and its benchmark: `web/dist` served
//! from 127.0.0.1 by a small file server, headless Chromium driven by `chromedriver` through
//! plain WebDriver over HTTP (no crate beyond serde_json). Chromium draws WebGL2 through
//! SwiftShader, so no GPU is needed.
//!
//! Needs `web/build.sh` to have built `web/dist`, and Debian's `chromium` and
//! `chromium-driver` (`.ci/setup` installs them); without them the caller fails with the hint.

#![allow(dead_code, reason = "the test and the benchmark each use part of it")]

use std::io::{Read, Write};
use std::net::{TcpListener, TcpStream};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use serde_json::{Value, json};

/// The built page: `HEADROOM_WEB_DIST` or `web/dist` in the source tree.
pub fn dist() -> PathBuf {
    let dir = std::env::var_os("HEADROOM_WEB_DIST")
        .map_or_else(|| Path::new(env!("CARGO_MANIFEST_DIR")).join("web/dist"), PathBuf::from);
    assert!(
        dir.join("index.html").exists() && dir.join("headroom-lab_bg.wasm").exists(),
        "{} holds no built page: run web/build.sh first (the README's test command does)",
        dir.display()
    );
    dir
}

fn require(tool: &str, package: &str) -> PathBuf {
    let out = Command::new("sh").args(["-c", &format!("command -v {tool}")]).output();
    let path = out.ok().filter(|o| o.status.success()).map(|o| String::from_utf8_lossy(&o.stdout).trim().to_string());
    PathBuf::from(path.unwrap_or_else(|| panic!("{tool} is missing: install {package} (`.ci/setup` does)")))
}

/// A free TCP port on 127.0.0.1.
fn free_port() -> u16 {
    TcpListener::bind("127.0.0.1:0").and_then(|l| l.local_addr()).expect("a free port").port()
}

/// Serves the files of `dir` over HTTP on 127.0.0.1 until the test process ends; returns the
/// page's address.
pub fn serve(dir: PathBuf) -> String {
    let listener = TcpListener::bind("127.0.0.1:0").expect("bind");
    let port = listener.local_addr().expect("address").port();
    std::thread::spawn(move || {
        for stream in listener.incoming().flatten() {
            let dir = dir.clone();
            std::thread::spawn(move || answer_file(stream, &dir));
        }
    });
    format!("http://127.0.0.1:{port}/")
}

fn answer_file(mut stream: TcpStream, dir: &Path) {
    let mut head = Vec::new();
    let mut byte = [0u8; 1];
    while !head.ends_with(b"\r\n\r\n") && head.len() < 16_384 {
        if stream.read(&mut byte).unwrap_or(0) == 0 {
            return;
        }
        head.push(byte[0]);
    }
    let head = String::from_utf8_lossy(&head);
    let target = head.split_whitespace().nth(1).unwrap_or("/");
    let path = target.split('?').next().unwrap_or("/").trim_start_matches('/');
    let path = if path.is_empty() { "index.html" } else { path };
    let file = (!path.contains("..")).then(|| dir.join(path)).and_then(|p| std::fs::read(p).ok());
    let (status, kind, body) = match file {
        Some(body) => {
            let kind = match Path::new(path).extension().and_then(|e| e.to_str()) {
                Some("html") => "text/html; charset=utf-8",
                Some("js") => "text/javascript",
                Some("wasm") => "application/wasm",
                _ => "application/octet-stream",
            };
            ("200 OK", kind, body)
        }
        None => ("404 Not Found", "text/plain", b"not found".to_vec()),
    };
    let header = format!(
        "HTTP/1.1 {status}\r\nContent-Type: {kind}\r\nContent-Length: {}\r\nConnection: close\r\n\r\n",
        body.len()
    );
    let _ = stream.write_all(header.as_bytes()).and_then(|()| stream.write_all(&body));
}

/// One HTTP request with a JSON body to 127.0.0.1:`port`; the answer's JSON. Reads exactly
/// the answer's length (servers may keep the connection open).
fn http(port: u16, method: &str, path: &str, body: Option<&Value>) -> Result<Value, String> {
    let mut stream = TcpStream::connect(("127.0.0.1", port)).map_err(|e| format!("connect: {e}"))?;
    stream.set_read_timeout(Some(Duration::from_mins(3))).map_err(|e| e.to_string())?;
    let body = body.map(Value::to_string).unwrap_or_default();
    let request = format!(
        "{method} {path} HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\nContent-Type: application/json\r\n\
         Content-Length: {}\r\nConnection: close\r\n\r\n{body}",
        body.len()
    );
    stream.write_all(request.as_bytes()).map_err(|e| format!("send: {e}"))?;
    let mut raw = Vec::new();
    let mut chunk = [0u8; 16_384];
    loop {
        let n = stream.read(&mut chunk).map_err(|e| format!("{method} {path}: receive: {e}"))?;
        raw.extend_from_slice(&chunk[..n]);
        if let Some(content) = complete(&raw) {
            return serde_json::from_slice(&content).map_err(|e| format!("{method} {path}: not JSON ({e})"));
        }
        if n == 0 {
            return Err(format!("{method} {path}: the answer was cut short"));
        }
    }
}

/// The body of a complete HTTP answer, or `None` while more is to come.
fn complete(raw: &[u8]) -> Option<Vec<u8>> {
    let split = raw.windows(4).position(|w| w == b"\r\n\r\n")?;
    let head = String::from_utf8_lossy(&raw[..split]).to_ascii_lowercase();
    let content = &raw[split + 4..];
    if head.contains("transfer-encoding: chunked") {
        return content.windows(5).any(|w| w == b"0\r\n\r\n").then(|| unchunk(content));
    }
    let length = head.lines().find_map(|l| l.strip_prefix("content-length:")?.trim().parse::<usize>().ok())?;
    (content.len() >= length).then(|| content[..length].to_vec())
}

fn unchunk(mut data: &[u8]) -> Vec<u8> {
    let mut out = Vec::new();
    while let Some(end) = data.windows(2).position(|w| w == b"\r\n") {
        let size = usize::from_str_radix(String::from_utf8_lossy(&data[..end]).trim(), 16).unwrap_or(0);
        if size == 0 {
            break;
        }
        let start = end + 2;
        out.extend_from_slice(&data[start..(start + size).min(data.len())]);
        data = &data[(start + size + 2).min(data.len())..];
    }
    out
}

/// Decodes standard base64 (the screenshots WebDriver returns).
pub fn base64(text: &str) -> Vec<u8> {
    let value = |c: u8| match c {
        b'A'..=b'Z' => Some(c - b'A'),
        b'a'..=b'z' => Some(c - b'a' + 26),
        b'0'..=b'9' => Some(c - b'0' + 52),
        b'+' => Some(62),
        b'/' => Some(63),
        _ => None,
    };
    let digits: Vec<u8> = text.bytes().filter_map(value).collect();
    digits
        .chunks(4)
        .flat_map(|c| {
            let n = c.iter().enumerate().fold(0u32, |n, (i, &d)| n | u32::from(d) << (18 - 6 * i));
            let bytes = n.to_be_bytes();
            bytes[1..c.len()].to_vec()
        })
        .collect()
}

/// Headless Chromium with one window of the given size, driven through chromedriver; both
/// stop when this is dropped.
pub struct Browser {
    driver: Child,
    port: u16,
    session: String,
    profile: PathBuf,
}

impl Browser {
    pub fn start(width: u32, height: u32) -> Self {
        let chromium = require("chromium", "chromium");
        let chromedriver = require("chromedriver", "chromium-driver");
        let port = free_port();
        let driver = Command::new(chromedriver)
            .arg(format!("--port={port}"))
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .expect("chromedriver starts");
        let profile = std::env::temp_dir().join(format!("hl-chromium-{}-{port}", std::process::id()));
        let mut browser = Self { driver, port, session: String::new(), profile };
        let started = Instant::now();
        while http(port, "GET", "/status", None).map_or(true, |v| v["value"]["ready"] != true) {
            assert!(started.elapsed() < Duration::from_secs(20), "chromedriver did not start");
            std::thread::sleep(Duration::from_millis(100));
        }
        let args = [
            "--headless=new".to_string(),
            "--no-sandbox".into(),
            "--disable-dev-shm-usage".into(),
            // WebGL2 in software: no GPU on a CI machine.
            "--use-angle=swiftshader".into(),
            "--enable-unsafe-swiftshader".into(),
            "--ignore-gpu-blocklist".into(),
            // A test cannot click before the sound may start; a user does (the page says so).
            "--autoplay-policy=no-user-gesture-required".into(),
            "--disable-background-networking".into(),
            "--disable-component-update".into(),
            "--disable-sync".into(),
            "--no-first-run".into(),
            "--disable-renderer-backgrounding".into(),
            "--disable-background-timer-throttling".into(),
            format!("--window-size={width},{height}"),
            format!("--user-data-dir={}", browser.profile.display()),
        ];
        let capabilities = json!({ "capabilities": { "alwaysMatch": {
            "goog:chromeOptions": { "binary": chromium, "args": args },
            "goog:loggingPrefs": { "browser": "ALL" },
        }}});
        let answer = http(port, "POST", "/session", Some(&capabilities)).expect("a session");
        browser.session = answer["value"]["sessionId"]
            .as_str()
            .unwrap_or_else(|| panic!("chromium did not start: {answer}"))
            .to_string();
        // The window's size includes what a headless browser counts as its frame: make the
        // page's own area the size asked for.
        let frame =
            browser.js("return [window.outerWidth - window.innerWidth, window.outerHeight - window.innerHeight];", &[]);
        let extra = |i: usize| frame[i].as_u64().unwrap_or(0);
        let rect = json!({ "width": u64::from(width) + extra(0), "height": u64::from(height) + extra(1) });
        browser.command("POST", "window/rect", Some(&rect));
        browser
    }

    fn command(&self, method: &str, what: &str, body: Option<&Value>) -> Value {
        let path = format!("/session/{}/{what}", self.session);
        let answer = http(self.port, method, &path, body).unwrap_or_else(|e| panic!("{what}: {e}"));
        assert!(answer["value"]["error"].is_null(), "{what}: {}", answer["value"]);
        answer["value"].clone()
    }

    pub fn open(&self, url: &str) {
        self.command("POST", "url", Some(&json!({ "url": url })));
    }

    /// Runs `script` (a function body; `arguments` holds `args`) in the page; its result.
    pub fn js(&self, script: &str, args: &[Value]) -> Value {
        self.command("POST", "execute/sync", Some(&json!({ "script": script, "args": args })))
    }

    /// The app's published state (`window.__headroomLab.status`), once it has one.
    pub fn status(&self) -> Option<Value> {
        let text = self.js("return window.__headroomLab && window.__headroomLab.status || null;", &[]);
        text.as_str().and_then(|t| serde_json::from_str(t).ok())
    }

    /// Errors the page caught (`window.__headroomLab.errors`).
    pub fn errors(&self) -> Vec<String> {
        let list = self.js("return (window.__headroomLab && window.__headroomLab.errors) || [];", &[]);
        list.as_array().into_iter().flatten().map(|e| e.as_str().unwrap_or_default().to_string()).collect()
    }

    /// Lines the app reported (`--bench-frames`, `--run-secs`).
    pub fn reports(&self) -> Vec<String> {
        let list = self.js("return (window.__headroomLab && window.__headroomLab.reports) || [];", &[]);
        list.as_array().into_iter().flatten().map(|e| e.as_str().unwrap_or_default().to_string()).collect()
    }

    /// Waits up to `secs` for `ready` to hold on the app's state; the last state.
    pub fn wait_for(&self, secs: f64, what: &str, ready: impl Fn(&Value) -> bool) -> Value {
        let started = Instant::now();
        loop {
            let status = self.status();
            if let Some(s) = status.as_ref().filter(|s| ready(s)) {
                return s.clone();
            }
            assert!(
                started.elapsed().as_secs_f64() < secs,
                "waited {secs} s for {what}; the page's state: {status:?}; errors: {:?}",
                self.errors()
            );
            std::thread::sleep(Duration::from_millis(100));
        }
    }

    /// A PNG of the window.
    pub fn screenshot(&self) -> Vec<u8> {
        base64(self.command("GET", "screenshot", None).as_str().expect("base64 text"))
    }

    /// Presses and releases keys (WebDriver key values: "\u{E013}" is the Up arrow).
    pub fn keys(&self, keys: &[&str]) {
        let mut actions = Vec::new();
        for k in keys {
            actions.push(json!({ "type": "keyDown", "value": k }));
            actions.push(json!({ "type": "pause", "duration": 60 }));
            actions.push(json!({ "type": "keyUp", "value": k }));
            actions.push(json!({ "type": "pause", "duration": 60 }));
        }
        self.command(
            "POST",
            "actions",
            Some(&json!({ "actions": [{ "type": "key", "id": "keys", "actions": actions }] })),
        );
    }

    /// Clicks at a point of the page (CSS pixels), as a mouse does: move, wait, press, release.
    pub fn click(&self, x: f64, y: f64) {
        #[allow(clippy::cast_possible_truncation, reason = "pixels")]
        let (x, y) = (x.round() as i64, y.round() as i64);
        let actions = json!([
            { "type": "pointerMove", "x": x, "y": y, "origin": "viewport", "duration": 0 },
            { "type": "pause", "duration": 80 },
            { "type": "pointerDown", "button": 0 },
            { "type": "pause", "duration": 80 },
            { "type": "pointerUp", "button": 0 },
            { "type": "pause", "duration": 80 },
        ]);
        let pointer =
            json!({ "type": "pointer", "id": "mouse", "parameters": { "pointerType": "mouse" }, "actions": actions });
        self.command("POST", "actions", Some(&json!({ "actions": [pointer] })));
    }

    /// The app's labelled widgets of a recent frame (asks the app to publish them).
    pub fn widgets(&self) -> Vec<Value> {
        self.js("window.__headroomLab.wantWidgets = true; window.__headroomLab.widgets = null;", &[]);
        let started = Instant::now();
        loop {
            let text = self.js("return window.__headroomLab.widgets || null;", &[]);
            if let Some(list) = text.as_str().and_then(|t| serde_json::from_str::<Value>(t).ok()) {
                return list.as_array().cloned().unwrap_or_default();
            }
            assert!(started.elapsed() < Duration::from_secs(20), "the app did not publish its widgets");
            std::thread::sleep(Duration::from_millis(100));
        }
    }

    /// Clicks the centre of the first widget with `role` (or any role) and `label`, once two
    /// frames in a row agree on its place (a panel that just opened is still settling).
    pub fn click_widget(&self, role: Option<&str>, label: &str) {
        let find = || {
            let widgets = self.widgets();
            let found = widgets.iter().find(|w| w["label"] == label && role.is_none_or(|r| w["role"] == r)).cloned();
            found.ok_or_else(|| widgets.iter().map(|w| format!("{} {}", w["role"], w["label"])).collect::<Vec<_>>())
        };
        let place = |w: &Value| ["x", "y", "w", "h"].map(|k| w[k].as_f64().unwrap_or(0.0));
        let started = Instant::now();
        let mut last: Option<[f64; 4]> = None;
        let w = loop {
            let w = find().unwrap_or_else(|labels| panic!("no widget labelled {label:?}; the page has: {labels:?}"));
            if last == Some(place(&w)) {
                break w;
            }
            assert!(started.elapsed() < Duration::from_secs(20), "{label:?} never kept still");
            last = Some(place(&w));
            std::thread::sleep(Duration::from_millis(150));
        };
        let [x, y, width, height] = place(&w);
        self.click(x + width / 2.0, y + height / 2.0);
    }

    /// Drops a file with these bytes on the page, as a user dragging it from their desktop.
    pub fn drop_file(&self, name: &str, bytes: &[u8]) {
        let numbers: Vec<Value> = bytes.iter().map(|&b| json!(b)).collect();
        self.js(
            "const [name, bytes] = arguments;
             const file = new File([new Uint8Array(bytes)], name);
             const data = new DataTransfer();
             data.items.add(file);
             const canvas = document.getElementById('headroom-lab');
             canvas.dispatchEvent(new DragEvent('dragover', { dataTransfer: data, bubbles: true, cancelable: true }));
             canvas.dispatchEvent(new DragEvent('drop', { dataTransfer: data, bubbles: true, cancelable: true }));",
            &[json!(name), Value::Array(numbers)],
        );
    }
}

impl Drop for Browser {
    fn drop(&mut self) {
        if !self.session.is_empty() {
            let _ = http(self.port, "DELETE", &format!("/session/{}", self.session), None);
        }
        let _ = self.driver.kill();
        let _ = self.driver.wait();
        let _ = std::fs::remove_dir_all(&self.profile);
    }
}

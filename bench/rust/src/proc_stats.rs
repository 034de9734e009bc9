//! CPU time and peak memory of this process, from /proc (Linux).

pub struct Stats {
    pub cpu_s: f64,
    pub peak_rss_kb: u64,
}

pub fn read() -> Stats {
    let status = std::fs::read_to_string("/proc/self/status").unwrap_or_default();
    let peak_rss_kb = status
        .lines()
        .find_map(|l| l.strip_prefix("VmHWM:"))
        .and_then(|v| v.trim().trim_end_matches("kB").trim().parse().ok())
        .unwrap_or(0);
    // Fields 14 and 15 of /proc/self/stat: user and system time in clock ticks (100 Hz).
    let stat = std::fs::read_to_string("/proc/self/stat").unwrap_or_default();
    let after_name = stat.rsplit_once(')').map(|(_, rest)| rest).unwrap_or("");
    let fields: Vec<&str> = after_name.split_whitespace().collect();
    let ticks = |i: usize| fields.get(i).and_then(|v| v.parse::<f64>().ok()).unwrap_or(0.0);
    Stats { cpu_s: (ticks(11) + ticks(12)) / 100.0, peak_rss_kb }
}

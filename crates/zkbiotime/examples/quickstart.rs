//! The README's Rust quick start: the manual's example employee, the departments and a
//! week of punches. `cargo xtask demo` runs it against a fresh sandbox.
//!
//! ```sh
//! ZKBIO_URL=http://127.0.0.1:8097 ZKBIO_USERNAME=admin ZKBIO_PASSWORD=admin123 \
//!     cargo run -p zkbiotime --example quickstart
//! ```

use futures::TryStreamExt;
use zkbiotime::{Client, TransactionFilter};

#[tokio::main]
async fn main() -> zkbiotime::Result<()> {
    let url = std::env::var("ZKBIO_URL").unwrap_or_else(|_| "http://127.0.0.1:8097".into());
    let username = std::env::var("ZKBIO_USERNAME").unwrap_or_else(|_| "admin".into());
    let password = std::env::var("ZKBIO_PASSWORD").unwrap_or_else(|_| "admin123".into());
    let client = Client::builder(url).password(username, password).build()?;

    // One employee by id: department and areas arrive nested, custom attributes in `extra`.
    let harry = client.employees().get(1).await?;
    println!(
        "employee {}: {} {} in {} (custom attributes: {})",
        harry.emp_code,
        harry.first_name.as_deref().unwrap_or(""),
        harry.last_name.as_deref().unwrap_or(""),
        harry.department.as_ref().and_then(|d| d.dept_name.as_deref()).unwrap_or("-"),
        harry.extra.keys().cloned().collect::<Vec<_>>().join(", "),
    );

    // Every department, across all pages.
    let departments: Vec<_> = client.departments().list(Default::default()).try_collect().await?;
    for d in &departments {
        println!("department {:>4} {}", d.dept_code, d.dept_name.as_deref().unwrap_or(""));
    }

    // A week of punches (times are the server's local time).
    let week = TransactionFilter {
        start_time: Some("2024-06-20 00:00:00".into()),
        end_time: Some("2024-06-26 23:59:59".into()),
        ..Default::default()
    };
    let first = client.transactions().page(&week, 1).await?;
    println!("{} punches in the week; the first {}:", first.count, first.items.len().min(5));
    for p in first.items.iter().take(5) {
        println!(
            "  #{:<6} {:<8} {} state {} on {}",
            p.id,
            p.emp_code,
            p.punch_time,
            p.punch_state.as_deref().unwrap_or("-"),
            p.terminal_sn.as_deref().unwrap_or("-")
        );
    }
    let all: Vec<_> = client.transactions().list(week).try_collect().await?;
    println!("read all {} punches of the week through the pager", all.len());
    Ok(())
}

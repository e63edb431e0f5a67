//! Soak: one `Client` shared by 64 tasks keeps calling the fake (gets and page reads) for a bounded
//! time, then prints a table: requests, throughput, latency percentiles, and file descriptors and
//! resident memory after warm-up and at the end.
//!
//! `cargo bench -p tallyfy-tests --bench soak -- [seconds]` (default 60). Numbers go in BENCHMARKS.md.
//!
//! Every response is checked: a get must return the guest asked for, a page read the full page of
//! [`PER_PAGE`] guests. If any call fails or returns something else, no table is printed: the bench
//! says how many calls failed and what the first failure was, and exits with status 1.

use std::process::ExitCode;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};
use tallyfy_fake::FakeTallyfy;
use tallyfy_tests::{client_for, open_fds, rss_kib};

/// Guests seeded into the fake.
const GUESTS: u64 = 1000;
/// Guests per page read: the pages read (1 to 20) are all full.
const PER_PAGE: u64 = 50;

fn rss_mib() -> f64 {
    rss_kib() as f64 / 1024.0
}

/// Latencies in fixed log-scale buckets (eight per doubling, so within about 9%): recording costs no
/// memory, so the soak's own bookkeeping cannot look like a leak.
#[derive(Clone)]
struct Histogram {
    buckets: [u64; 256],
    max: Duration,
}

impl Default for Histogram {
    fn default() -> Self {
        Self {
            buckets: [0; 256],
            max: Duration::ZERO,
        }
    }
}

impl Histogram {
    fn record(&mut self, d: Duration) {
        let micros = d.as_micros().max(1) as f64;
        self.buckets[((micros.log2() * 8.0) as usize).min(255)] += 1;
        self.max = self.max.max(d);
    }

    fn merge(&mut self, other: &Histogram) {
        for (a, b) in self.buckets.iter_mut().zip(other.buckets) {
            *a += b;
        }
        self.max = self.max.max(other.max);
    }

    fn count(&self) -> u64 {
        self.buckets.iter().sum()
    }

    /// The latency below which a fraction `p` of the calls fell (the bucket's upper edge).
    fn percentile(&self, p: f64) -> Duration {
        if p >= 1.0 {
            return self.max;
        }
        let target = (self.count() as f64 * p).ceil() as u64;
        let mut seen = 0;
        for (i, n) in self.buckets.iter().enumerate() {
            seen += n;
            if seen >= target && *n > 0 {
                return Duration::from_micros(2f64.powf((i + 1) as f64 / 8.0) as u64);
            }
        }
        self.max
    }
}

/// One call by a soak task: `Err` says what went wrong, for the report.
async fn one_call(client: &tallyfy::Client, emails: &[String], i: u64) -> Result<(), String> {
    if i.is_multiple_of(2) {
        let email = &emails[i as usize % emails.len()];
        let guest = client
            .guests()
            .get(email)
            .await
            .map_err(|e| e.to_string())?;
        if guest.email.as_deref() != Some(email.as_str()) {
            return Err(format!("get {email} returned {:?}", guest.email));
        }
    } else {
        let page = 1 + i % (GUESTS / PER_PAGE);
        let got = client.guests().list().per_page(PER_PAGE).page(page).await;
        let got = got.map_err(|e| e.to_string())?;
        if got.items.len() as u64 != PER_PAGE {
            return Err(format!("page {page} held {} guests", got.items.len()));
        }
    }
    Ok(())
}

#[tokio::main(flavor = "multi_thread")]
async fn main() -> ExitCode {
    let seconds: u64 = std::env::args()
        .skip(1)
        .find_map(|a| a.parse().ok())
        .unwrap_or(60);
    let fake = FakeTallyfy::builder()
        .seed_guests(GUESTS as usize)
        .record_limit(0)
        .start()
        .await
        .unwrap();
    let client = client_for(&fake);
    let emails: Arc<Vec<String>> =
        Arc::new(fake.guests().into_iter().filter_map(|g| g.email).collect());
    assert_eq!(
        emails.len() as u64,
        GUESTS,
        "every seeded guest has an email"
    );
    let stop = Arc::new(AtomicBool::new(false));
    let errors = Arc::new(AtomicU64::new(0));
    let first_error = Arc::new(Mutex::new(None::<String>));
    let warm = Arc::new(AtomicBool::new(false));

    let started = Instant::now();
    let mut tasks = Vec::new();
    for task in 0..64u64 {
        let (client, emails, stop, errors, first_error, warm) = (
            client.clone(),
            emails.clone(),
            stop.clone(),
            errors.clone(),
            first_error.clone(),
            warm.clone(),
        );
        tasks.push(tokio::spawn(async move {
            let mut latencies = Histogram::default();
            let mut i = task;
            while !stop.load(Ordering::Relaxed) {
                let t = Instant::now();
                if let Err(e) = one_call(&client, &emails, i).await {
                    errors.fetch_add(1, Ordering::Relaxed);
                    let mut first = first_error.lock().unwrap();
                    first.get_or_insert(e);
                }
                if warm.load(Ordering::Relaxed) {
                    latencies.record(t.elapsed());
                }
                i += 64;
            }
            latencies
        }));
    }
    tokio::time::sleep(Duration::from_secs((seconds / 10).max(1))).await;
    warm.store(true, Ordering::Relaxed);
    let (fds_warm, rss_warm) = (open_fds(), rss_mib());
    let measured_from = Instant::now();
    tokio::time::sleep(Duration::from_secs(seconds).saturating_sub(started.elapsed())).await;
    stop.store(true, Ordering::Relaxed);
    let mut latencies = Histogram::default();
    for t in tasks {
        latencies.merge(&t.await.unwrap());
    }
    let measured = measured_from.elapsed();
    let (fds_end, rss_end) = (open_fds(), rss_mib());
    let pct = |p: f64| latencies.percentile(p);

    let errors = errors.load(Ordering::Relaxed);
    if errors > 0 || latencies.count() == 0 {
        let first = first_error.lock().unwrap().take();
        eprintln!(
            "soak failed: {errors} calls failed (first: {}), {} calls measured; no figures",
            first.as_deref().unwrap_or("none"),
            latencies.count()
        );
        return ExitCode::FAILURE;
    }

    println!("| soak ({seconds} s, 64 tasks, one Client) | value |");
    println!("|---|---|");
    println!("| requests after warm-up | {} |", latencies.count());
    println!("| errors | 0 |");
    println!(
        "| throughput | {:.0} req/s |",
        latencies.count() as f64 / measured.as_secs_f64()
    );
    println!(
        "| latency p50 / p99 / max | {:?} / {:?} / {:?} |",
        pct(0.5),
        pct(0.99),
        pct(1.0)
    );
    println!("| open fds after warm-up → end | {fds_warm} → {fds_end} |");
    println!("| RSS after warm-up → end | {rss_warm:.1} MiB → {rss_end:.1} MiB |");
    ExitCode::SUCCESS
}

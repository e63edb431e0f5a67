//! Benchmarks, all against loopback servers in the same run (`cargo bench -p tallyfy`):
//! - `get_guest`: one guest lookup through the SDK vs hand-written reqwest + serde_json;
//! - `list_10k`: listing 10,000 guests, 100 per page, with 20 ms server latency, `concurrency(4)` vs
//!   sequential;
//! - `decode_page`: decoding a 100-guest page into typed guests vs `serde_json::Value`;
//! - `list_tasks_10k`: listing the organization's 10,000-odd tasks, 100 per page, with 20 ms server
//!   latency, `concurrency(4)` vs sequential;
//! - `launch_1000`: launching 1,000 processes (with kick-off values) from one client, with 1, 4 and
//!   16 launches in flight; divide 1,000 by the time for processes per second.

use std::time::Duration;

mod common;

use common::{Contender, Contenders, Target, fake_with_awkward_guest, runtimes, sdk_client};
use criterion::{Criterion, criterion_group, criterion_main};
use futures::TryStreamExt;
use tallyfy_client::types::GuestList;
use tallyfy_fake::FakeTallyfy;

fn runtime() -> tokio::runtime::Runtime {
    tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .unwrap()
}

fn get_guest(c: &mut Criterion) {
    let (server_rt, rt) = runtimes();
    let fake = fake_with_awkward_guest(&server_rt);
    // The hand-written baseline sends the same headers to the same URL and decodes the same typed
    // body (see benches/common/mod.rs). Every call checks that it got the guest back.
    let contenders = Contenders::new(&Target::of(&fake));

    let mut group = c.benchmark_group("get_guest");
    for contender in [
        Contender::Sdk,
        Contender::SdkPaced,
        Contender::SdkRenewable,
        Contender::Generated,
        Contender::HandWritten,
        Contender::HandWrittenFixedUrl,
    ] {
        group.bench_function(contender.name(), |b| {
            b.to_async(&rt).iter(|| contenders.call(contender))
        });
    }
    group.finish();

    // Criterion measures one function after the other, so on a busy machine they can see different
    // loads. This interleaves them: each round times a block of 100 calls of each contender, in a
    // rotating order, and the medians of the per-round ratios to the baseline are printed.
    const ROUNDS: usize = 200;
    let all = Contender::ALL;
    let baseline = all
        .iter()
        .position(|c| *c == Contender::HandWritten)
        .unwrap();
    rt.block_on(async {
        let mut ratios = vec![Vec::new(); all.len()];
        let mut totals = [Duration::ZERO; Contender::ALL.len()];
        for round in 0..ROUNDS {
            let mut times = [Duration::ZERO; Contender::ALL.len()];
            for turn in 0..all.len() {
                let index = (round + turn) % all.len();
                let started = std::time::Instant::now();
                for _ in 0..100 {
                    contenders.call(all[index]).await;
                }
                times[index] += started.elapsed();
            }
            for (index, time) in times.iter().enumerate() {
                ratios[index].push(time.as_secs_f64() / times[baseline].as_secs_f64());
                totals[index] += *time;
            }
        }
        for ((contender, ratios), total) in all.iter().zip(&mut ratios).zip(totals) {
            ratios.sort_by(f64::total_cmp);
            eprintln!(
                "get_guest interleaved, {} / reqwest+serde_json: median {:.3} (p10 {:.3}, p90 {:.3}), \
                 total time {:.3}, over {ROUNDS} rounds",
                label(*contender),
                ratios[ratios.len() / 2],
                ratios[ratios.len() / 10],
                ratios[ratios.len() * 9 / 10],
                total.as_secs_f64() / totals[baseline].as_secs_f64(),
            );
        }
    });
    drop(fake);
    drop(server_rt);
}

/// A contender's name in the interleaved comparison's report.
fn label(contender: Contender) -> &'static str {
    match contender {
        Contender::Sdk => "SDK",
        Contender::SdkPaced => "SDK, paced",
        Contender::SdkRenewable => "SDK, renewable credentials",
        Contender::Generated => "generated client",
        Contender::HandWritten => "reqwest+serde_json",
        Contender::HandWrittenFixedUrl => "reqwest+serde_json, URL built once",
        Contender::HandWrittenWithTimeout => "reqwest+serde_json with a tokio timeout",
    }
}

fn list_10k(c: &mut Criterion) {
    let rt = runtime();
    let fake = rt.block_on(async {
        FakeTallyfy::builder()
            .seed_guests(10_000)
            .latency(Duration::from_millis(20))
            .start()
            .await
            .unwrap()
    });
    let client = sdk_client(&Target::of(&fake));

    walk(c, &rt, "list_10k", 10_000, |k| {
        client.guests().list().per_page(100).concurrency(k).items()
    });
    drop(fake);
}

/// A `name` group timing a walk of `total` items, sequentially and with `concurrency(4)`: `items(k)`
/// starts the walk with concurrency `k`; each run checks that it read every item.
fn walk<T, S>(
    c: &mut Criterion,
    rt: &tokio::runtime::Runtime,
    name: &str,
    total: usize,
    items: impl Fn(usize) -> S,
) where
    S: futures::Stream<Item = tallyfy::Result<T>>,
{
    let mut group = c.benchmark_group(name);
    group.sample_size(10);
    group.measurement_time(Duration::from_secs(30));
    for (label, k) in [("sequential", 1usize), ("concurrency_4", 4)] {
        group.bench_function(label, |b| {
            b.to_async(rt).iter(|| async {
                let n = items(k)
                    .try_fold(0usize, |n, _| async move { Ok(n + 1) })
                    .await
                    .unwrap();
                assert_eq!(n, total);
            })
        });
    }
    group.finish();
}

fn decode_page(c: &mut Criterion) {
    let rt = runtime();
    let body = rt.block_on(async {
        let fake = FakeTallyfy::builder()
            .seed_guests(100)
            .start()
            .await
            .unwrap();
        let url = format!(
            "{}/organizations/{}/guests?per_page=100&with=stats",
            fake.base_url(),
            fake.org_id()
        );
        let response = reqwest::Client::new()
            .get(url)
            .bearer_auth(fake.token())
            .header("x-tallyfy-client", "APIClient")
            .send()
            .await
            .unwrap();
        assert!(response.status().is_success(), "{}", response.status());
        let body = response.bytes().await.unwrap();
        fake.shutdown().await;
        body
    });
    // Both decoders must see the whole page before either is timed.
    let typed: GuestList = serde_json::from_slice(&body).unwrap();
    assert_eq!(typed.data.len(), 100);
    let value: serde_json::Value = serde_json::from_slice(&body).unwrap();
    assert_eq!(value["data"].as_array().map(Vec::len), Some(100));

    let mut group = c.benchmark_group("decode_page");
    group.throughput(criterion::Throughput::Bytes(body.len() as u64));
    group.bench_function("typed_guest_list", |b| {
        b.iter(|| serde_json::from_slice::<GuestList>(&body).unwrap())
    });
    group.bench_function("serde_json_value", |b| {
        b.iter(|| serde_json::from_slice::<serde_json::Value>(&body).unwrap())
    });
    group.finish();
}

fn list_tasks_10k(c: &mut Criterion) {
    let rt = runtime();
    // The fake runs on its own scheduler, as a server would: its handlers then never hold up the
    // walk's own tasks.
    let server_rt = runtimes().0;
    // Seeded processes have three to five tasks each, some of them hidden with an archived process:
    // 2,800 processes make just over 10,000 listed tasks.
    let fake = server_rt.block_on(async {
        FakeTallyfy::builder()
            .seed_templates(4)
            .seed_processes(2_800)
            .latency(Duration::from_millis(20))
            .start()
            .await
            .unwrap()
    });
    let client = sdk_client(&Target::of(&fake));
    let total = rt.block_on(async {
        let first = client.tasks().list().per_page(100).page(1).await.unwrap();
        first.info.and_then(|i| i.total).unwrap() as usize
    });
    assert!(total >= 10_000, "{total} tasks");

    walk(c, &rt, "list_tasks_10k", total, |k| {
        client.tasks().list().per_page(100).concurrency(k).items()
    });
    drop(fake);
}

fn launch_1000(c: &mut Criterion) {
    use futures::StreamExt;
    let rt = runtime();
    let fake = rt.block_on(async {
        FakeTallyfy::builder()
            .seed_templates(1)
            .record_limit(0)
            .start()
            .await
            .unwrap()
    });
    let client = sdk_client(&Target::of(&fake));
    let (template_id, kickoff) = rt.block_on(async {
        let template = client
            .templates()
            .list()
            .page(1)
            .await
            .unwrap()
            .items
            .remove(0);
        let kickoff = tallyfy::Form::kickoff(&template)
            .set("Client name", "Acme")
            .unwrap()
            .set("Primary contact email", "ops@acme.example")
            .unwrap()
            .set(
                "Start date",
                tallyfy::FormValue::date_str("2026-01-05T09:00:00Z"),
            )
            .unwrap()
            .choose("Contract type", "Fixed fee")
            .unwrap()
            .choose("Region", "Europe")
            .unwrap()
            .choose_all("Services", &["Consulting"])
            .unwrap()
            .build()
            .unwrap();
        (template.id.unwrap().to_string(), kickoff)
    });

    let mut group = c.benchmark_group("launch_1000");
    group.sample_size(10);
    group.measurement_time(Duration::from_secs(20));
    for in_flight in [1usize, 4, 16] {
        group.bench_function(format!("in_flight_{in_flight}"), |b| {
            b.to_async(&rt).iter(|| async {
                let launched = futures::stream::iter(0..1000)
                    .map(|i| {
                        let launch = tallyfy::Launch::new(&template_id)
                            .name(format!("Bench {i}"))
                            .prerun(kickoff.clone());
                        let client = client.clone();
                        async move { client.processes().launch(launch).await }
                    })
                    .buffer_unordered(in_flight)
                    .try_fold(0usize, |n, p| async move {
                        assert_eq!(p.status.as_deref(), Some("active"));
                        Ok(n + 1)
                    })
                    .await
                    .unwrap();
                assert_eq!(launched, 1000);
            })
        });
    }
    group.finish();
    drop(fake);
}

criterion_group!(
    benches,
    get_guest,
    decode_page,
    list_10k,
    list_tasks_10k,
    launch_1000
);
criterion_main!(benches);

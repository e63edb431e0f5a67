//! The `tallyfy-fake` binary: its first stdout line, serving, and stopping on SIGTERM.

mod common;

use std::process::Command;

use common::spawn_binary;

#[tokio::test]
async fn binary_prints_its_address_serves_and_stops() {
    let (mut child, addr) = spawn_binary(&[
        "--listen",
        "127.0.0.1:0",
        "--org",
        "bin-org",
        "--token",
        "bin-token",
        "--seed-guests",
        "120",
        "--seed-members",
        "4",
        "--page-cap",
        "50",
    ]);
    assert!(addr.starts_with("127.0.0.1:"));

    let http = reqwest::Client::builder().no_proxy().build().unwrap();
    let res = http
        .get(format!("http://{addr}/api/organizations/bin-org/guests"))
        .bearer_auth("bin-token")
        .header("X-Tallyfy-Client", "APIClient")
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 200);
    let body: serde_json::Value = res.json().await.unwrap();
    assert_eq!(body["meta"]["pagination"]["total"], 120);
    assert_eq!(body["meta"]["pagination"]["per_page"], 50);
    // The default workflow seed: 5 templates and 12 processes (one archived).
    for (path, total) in [("checklists", 5), ("runs", 11), ("runs?archived=only", 1)] {
        let res = http
            .get(format!("http://{addr}/api/organizations/bin-org/{path}"))
            .bearer_auth("bin-token")
            .header("X-Tallyfy-Client", "APIClient")
            .send()
            .await
            .unwrap();
        assert_eq!(res.status(), 200, "{path}");
        let body: serde_json::Value = res.json().await.unwrap();
        assert_eq!(body["meta"]["pagination"]["total"], total, "{path}");
    }

    #[cfg(unix)]
    {
        // The shell's builtin `kill`, so that no `kill` executable is needed.
        let status = Command::new("sh")
            .args(["-c", &format!("kill -TERM {}", child.id())])
            .status()
            .unwrap();
        assert!(status.success());
        let exit = child.wait().unwrap();
        assert!(exit.success(), "clean exit on SIGTERM: {exit:?}");
    }
    #[cfg(not(unix))]
    {
        child.kill().unwrap();
        child.wait().unwrap();
    }
}

#[tokio::test]
async fn binary_issues_tokens_for_its_application() {
    let (mut child, addr) = spawn_binary(&[
        "--client-id",
        "77",
        "--client-secret",
        "bin-secret",
        "--token-ttl-secs",
        "30",
    ]);
    let http = reqwest::Client::builder().no_proxy().build().unwrap();
    let res = http
        .post(format!("http://{addr}/oauth/token"))
        .header("Content-Type", "application/x-www-form-urlencoded")
        .body("grant_type=client_credentials&client_id=77&client_secret=bin-secret")
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 200);
    let body: serde_json::Value = res.json().await.unwrap();
    assert_eq!(body["expires_in"], 30);
    let res = http
        .get(format!("http://{addr}/api/organizations/demo-org/guests"))
        .bearer_auth(body["access_token"].as_str().unwrap())
        .header("X-Tallyfy-Client", "APIClient")
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 200);
    child.kill().unwrap();
    child.wait().unwrap();

    // One of the pair alone is refused before the server starts.
    let out = Command::new(env!("CARGO_BIN_EXE_tallyfy-fake"))
        .args(["--client-id", "77"])
        .output()
        .unwrap();
    assert!(!out.status.success());
    assert!(String::from_utf8_lossy(&out.stderr).contains("--client-secret"));
}

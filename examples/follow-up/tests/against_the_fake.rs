//! The example service against the fake: completing the draft of a Blog Post Publishing process
//! launches one follow-up process, named after it and with the draft's link as its kick-off
//! value, although the fake delivers every webhook twice.

use std::time::Duration;

use serde_json::json;
use tallyfy::{CaptureValue, Client, Completion, FormValue, Launch, NewTemplate, TemplateUpdate};
use tallyfy_fake::FakeTallyfy;

#[tokio::test(flavor = "multi_thread")]
async fn a_completed_task_launches_one_follow_up_with_its_values() {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let hook = format!(
        "http://{}/hooks/tallyfy?token=s3cret",
        listener.local_addr().unwrap()
    );
    let fake = FakeTallyfy::builder()
        .seed_members(3)
        .seed_templates(4)
        .webhook_url(hook)
        .webhook_duplicates(1.0)
        .start()
        .await
        .unwrap();
    let client = Client::builder()
        .token(fake.token())
        .org(fake.org_id())
        .base_url(fake.base_url())
        .build()
        .unwrap();

    // The follow-up template: one kick-off field with the label of the draft's form field.
    let promote = client
        .templates()
        .create(NewTemplate::new(
            "Promote the post",
            tallyfy::types::TemplateType::Procedure,
        ))
        .await
        .unwrap();
    let promote_id = promote.id.unwrap().to_string();
    let prerun = serde_json::from_value(
        json!([{"label": "Draft link", "field_type": "text", "required": true}]),
    )
    .unwrap();
    client
        .templates()
        .update(
            &promote_id,
            TemplateUpdate::new("Promote the post").prerun(prerun),
        )
        .await
        .unwrap();
    let blog = client
        .templates()
        .list()
        .query("Blog Post Publishing")
        .page(1)
        .await
        .unwrap();
    let blog_id = blog.items[0].id.as_ref().unwrap().to_string();

    let config = follow_up::Config {
        org: fake.org_id().to_owned(),
        secret: "s3cret".into(),
        trigger_template: blog_id.clone(),
        follow_up_template: promote_id.clone(),
    };
    let (app, queue) = follow_up::app(&config);
    let (launched, mut ids) = tokio::sync::mpsc::unbounded_channel();
    tokio::spawn(follow_up::work(
        client.clone(),
        promote_id.clone(),
        queue,
        launched,
    ));
    tokio::spawn(async move { axum::serve(listener, app).await.unwrap() });

    let run = client
        .processes()
        .launch(Launch::new(&blog_id).name("Spring post"))
        .await
        .unwrap();
    let run = run.id.unwrap().to_string();
    let tasks = client.processes().tasks(&run).collect_all().await.unwrap();
    let draft = tasks[0].id.as_ref().unwrap().to_string();
    let fields = client.templates().form_fields(&blog_id).await.unwrap();
    let link_field = fields.form_fields[0].id.as_ref().unwrap().to_string();
    client
        .tasks()
        .save_value(
            &draft,
            CaptureValue::new(link_field, FormValue::from("https://blog.example/spring")),
        )
        .await
        .unwrap();
    client
        .tasks()
        .complete(&run, Completion::new(&draft))
        .await
        .unwrap();

    let follow_up = tokio::time::timeout(Duration::from_secs(10), ids.recv())
        .await
        .expect("a follow-up within 10 s")
        .unwrap();
    let process = client.processes().get(&follow_up).await.unwrap();
    assert_eq!(process.name.as_deref(), Some("Follow-up: Spring post"));
    assert_eq!(
        process.checklist_id.as_ref().map(ToString::to_string),
        Some(promote_id.clone())
    );
    let prerun = process.prerun.as_ref().unwrap();
    let link: Vec<_> = prerun.iter().filter_map(|(_, v)| v.as_text()).collect();
    assert_eq!(link, ["https://blog.example/spring"]);

    // Both deliveries of that one completion arrived (the fake doubles every one), and only one
    // follow-up was launched.
    fake.wait_for_deliveries(4, Duration::from_secs(5)).await;
    tokio::time::sleep(Duration::from_millis(300)).await;
    assert!(
        ids.try_recv().is_err(),
        "a duplicate launched a second follow-up"
    );
    let follow_ups = client.processes().list().collect_all().await.unwrap();
    let from_promote = follow_ups
        .iter()
        .filter(|p| p.checklist_id.as_ref().map(ToString::to_string) == Some(promote_id.clone()))
        .count();
    assert_eq!(from_promote, 1);
}

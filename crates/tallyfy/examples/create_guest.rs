//! Creates a guest, showing client-side validation and typed API errors.
//!
//! ```sh
//! cargo run -p tallyfy --example create_guest -- new.guest@acme.example
//! ```

mod common;

use tallyfy::{Error, NewGuest};

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    let email = std::env::args()
        .nth(1)
        .unwrap_or_else(|| "new.guest+demo@acme.example".to_owned());
    let demo = common::connect(0).await?;
    let guests = demo.client.guests();

    // Checked before sending: no request is made for this one.
    let too_long = NewGuest::new(email.as_str()).phone_1("+1 555 0100 0100 0100 0100");
    if let Err(e) = guests.create(too_long).await {
        println!("refused locally: {e}");
    }

    let guest = NewGuest::new(email.as_str())
        .first_name("New")
        .last_name("Guest")
        .company_name("Acme")
        .company_url("https://acme.example")
        .timezone("America/Chicago");
    match guests.create(guest).await {
        Ok(created) => println!("created guest {:?} ({:?})", created.id, created.email),
        Err(Error::Api {
            status,
            message,
            field_errors,
            ..
        }) => {
            println!("the server refused it ({status}): {message}");
            for (field, messages) in field_errors {
                println!("  {field}: {}", messages.join("; "));
            }
        }
        Err(e) => return Err(e.into()),
    }
    Ok(())
}

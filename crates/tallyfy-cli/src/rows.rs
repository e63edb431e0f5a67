//! How guests and members look as table rows.

use crate::output::Row;
use tallyfy::{FlexibleId, Guest, Member};

fn id(id: &Option<FlexibleId>) -> String {
    id.as_ref().map(ToString::to_string).unwrap_or_default()
}

fn text(value: &Option<String>) -> String {
    value.clone().unwrap_or_default()
}

impl Row for Guest {
    fn headings() -> &'static [&'static str] {
        &[
            "ID",
            "EMAIL",
            "FIRST NAME",
            "LAST NAME",
            "COMPANY",
            "STATUS",
            "CREATED",
        ]
    }
    fn cells(&self) -> Vec<String> {
        let details = self.details.as_ref();
        vec![
            id(&self.id),
            text(&self.email),
            text(&self.first_name),
            text(&self.last_name),
            details.map(|d| text(&d.company_name)).unwrap_or_default(),
            details.map(|d| text(&d.status)).unwrap_or_default(),
            self.created_at
                .as_ref()
                .map(|t| t.to_string())
                .unwrap_or_default(),
        ]
    }
}

impl Row for Member {
    fn headings() -> &'static [&'static str] {
        &["ID", "EMAIL", "NAME", "ROLE", "STATUS", "CREATED"]
    }
    fn cells(&self) -> Vec<String> {
        let name = match (&self.full_name, &self.first_name, &self.last_name) {
            (Some(full), _, _) => full.clone(),
            (None, first, last) => format!("{} {}", text(first), text(last)).trim().to_string(),
        };
        vec![
            self.id.map(|n| n.to_string()).unwrap_or_default(),
            text(&self.email),
            name,
            self.role
                .as_ref()
                .map(|r| r.to_string())
                .unwrap_or_default(),
            text(&self.status),
            self.created_at
                .as_ref()
                .map(|t| t.to_string())
                .unwrap_or_default(),
        ]
    }
}

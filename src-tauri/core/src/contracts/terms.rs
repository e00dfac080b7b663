//! The contract's terms (notice, payment, absence, closure): from the agreement that binds the
//! buyer where it fixes them and covers the offer, else as entered on the contract. A term no
//! one has set blocks issuing; nothing is ever filled in for the user (R0, R2).

use super::evaluate::{Binding, Problems};
use super::model::*;
use super::rules;
use crate::agreements::model::{NoticeRule, PaymentTiming, Sourced};
use crate::agreements::rules::{notice_text, NOT_SET};

/// Payment may be due at most 30 days after the invoice is received (renteloven § 3 b; KL's
/// standard contract v2.0 guidance for purchases outside the agreement).
pub const MAX_PAYMENT_DAYS: u32 = 30;

/// The terms as far as they could be read, and where each stands.
#[derive(Default)]
pub struct Terms {
    pub notice: Option<NoticeTerms>,
    pub payment: Option<PaymentTerms>,
    pub absence: Option<AbsenceTerms>,
    pub closure: Option<ClosureTerms>,
    pub statuses: Vec<TermStatus>,
}

/// The agreement's value of a term when the buyer's agreement covers the offer, with its
/// source ("SJ-2025: 003_… L181").
fn fixed<'a, T>(
    b: &'a Binding,
    pick: impl Fn(&'a crate::agreements::model::Terms) -> &'a Sourced<T>,
) -> Option<(&'a T, String)> {
    let a = b.applicable.filter(|_| b.within)?.agreement;
    let s = pick(&a.terms);
    s.value
        .as_ref()
        .map(|v| (v, format!("{}: {}", a.id, s.source)))
}

/// Why a term must be typed: the agreement does not fix it, or the purchase is outside it.
fn why_typed(b: &Binding) -> String {
    match b.applicable {
        Some(a) if b.within => format!("ikke fastsat i {} – skriv det aftalte", a.agreement.name),
        _ => "aftales i kontrakten ved køb uden for købers rammeaftale – skriv det aftalte".into(),
    }
}

const TYPED: &str = "aftalt i kontrakten";

fn status(
    field: &str,
    label: &str,
    from_agreement: bool,
    value: Option<String>,
    source: String,
) -> TermStatus {
    TermStatus {
        field: field.into(),
        label: label.into(),
        from_agreement,
        value: value.unwrap_or_else(|| NOT_SET.into()),
        source,
    }
}

fn notice(
    form_value: &str,
    field: &str,
    label: &str,
    b: &Binding,
    fixed: Option<(&NoticeRule, String)>,
    p: &mut Problems,
) -> (Option<(NoticeRule, String)>, TermStatus) {
    if let Some((r, source)) = fixed {
        let st = status(field, label, true, Some(notice_text(r)), source.clone());
        return (Some((*r, source)), st);
    }
    let typed = form_value.trim();
    let rule = if typed.is_empty() {
        p.add(
            field,
            format!(
                "{label}: {} varsel, fx «løbende måned + 1 måned».",
                why_typed(b)
            ),
        );
        None
    } else {
        let r = rules::parse_notice(typed);
        if r.is_none() {
            p.add(
                field,
                format!("{label}: «{typed}» kan ikke læses; skriv fx «løbende måned + 1 måned», «3 måneder» eller «14 dage» (højst 24 måneder)."),
            );
        }
        r
    };
    let st = status(
        field,
        label,
        false,
        rule.as_ref().map(notice_text),
        TYPED.into(),
    );
    (rule.map(|r| (r, TYPED.to_string())), st)
}

fn days(
    form_value: &str,
    field: &str,
    label: &str,
    max: u32,
    b: &Binding,
    p: &mut Problems,
) -> Option<u32> {
    let typed = form_value.trim();
    if typed.is_empty() {
        p.add(field, format!("{label}: {} antal dage.", why_typed(b)));
        return None;
    }
    let n = typed.parse::<u32>().ok().filter(|n| *n <= max);
    if n.is_none() {
        p.add(
            field,
            format!("{label}: «{typed}» skal være et helt antal dage fra 0 til {max}."),
        );
    }
    n
}

/// The payment statuses the form shows: timing and days, from the agreement or typed.
fn payment_statuses(
    timing: Option<String>,
    days: Option<u32>,
    from_agreement: bool,
    source: &str,
) -> Vec<TermStatus> {
    vec![
        status(
            "payment_timing",
            "Betaling",
            from_agreement,
            timing,
            source.into(),
        ),
        status(
            "payment_days",
            "Betalingsfrist",
            from_agreement,
            days.map(|d| format!("{d} dage efter modtaget faktura")),
            source.into(),
        ),
    ]
}

fn payment_timing(form: &ContractForm, b: &Binding, p: &mut Problems) -> Option<String> {
    match form.payment_timing.trim().to_lowercase().as_str() {
        "" => {
            p.add(
                "payment_timing",
                format!("Betaling: {} – vælg forud eller bagud.", why_typed(b)),
            );
            None
        }
        t @ ("forud" | "bagud") => Some(t.to_string()),
        other => {
            p.add(
                "payment_timing",
                format!("Betaling: «{other}» kendes ikke; vælg forud eller bagud."),
            );
            None
        }
    }
}

fn payment(
    form: &ContractForm,
    b: &Binding,
    p: &mut Problems,
) -> (Option<PaymentTerms>, Vec<TermStatus>) {
    if let Some((t, source)) = fixed(b, |t| &t.payment) {
        let timing = match t.timing {
            PaymentTiming::Forud => "forud",
            PaymentTiming::Bagud => "bagud",
        };
        let statuses = payment_statuses(
            Some(timing.into()),
            Some(t.days_after_invoice),
            true,
            &source,
        );
        let terms = PaymentTerms {
            days_after_invoice: t.days_after_invoice,
            timing: timing.into(),
            source,
        };
        return (Some(terms), statuses);
    }
    let timing = payment_timing(form, b, p);
    let days = match days(
        &form.payment_days,
        "payment_days",
        "Betalingsfrist",
        365,
        b,
        p,
    ) {
        Some(d) if d == 0 || d > MAX_PAYMENT_DAYS => {
            p.add("payment_days", format!("Betalingsfrist: {d} dage; fristen skal være 1-{MAX_PAYMENT_DAYS} dage efter modtaget faktura (renteloven § 3 b)."));
            None
        }
        d => d,
    };
    let statuses = payment_statuses(timing.clone(), days, false, TYPED);
    let terms = timing
        .zip(days)
        .map(|(timing, days_after_invoice)| PaymentTerms {
            days_after_invoice,
            timing,
            source: TYPED.into(),
        });
    (terms, statuses)
}

fn absence(
    form: &ContractForm,
    b: &Binding,
    p: &mut Problems,
) -> (Option<AbsenceTerms>, Vec<TermStatus>) {
    let text = |a: u32, h: u32| {
        format!("fuld takst i op til {a} dage under fravær og {h} dage under hospitalsophold")
    };
    if let Some((r, source)) = fixed(b, |t| &t.absence) {
        let st = status(
            "absence_days",
            "Fravær og hospitalsophold",
            true,
            Some(text(r.absence_days, r.hospital_days)),
            source.clone(),
        );
        let terms = AbsenceTerms {
            absence_days: r.absence_days,
            hospital_days: r.hospital_days,
            source,
        };
        return (Some(terms), vec![st]);
    }
    let a = days(&form.absence_days, "absence_days", "Fravær", 366, b, p);
    let h = days(
        &form.hospital_days,
        "hospital_days",
        "Hospitalsophold",
        366,
        b,
        p,
    );
    let terms = a.zip(h).map(|(absence_days, hospital_days)| AbsenceTerms {
        absence_days,
        hospital_days,
        source: TYPED.into(),
    });
    let st = status(
        "absence_days",
        "Fravær og hospitalsophold",
        false,
        terms
            .as_ref()
            .map(|t| text(t.absence_days, t.hospital_days)),
        TYPED.into(),
    );
    (terms, vec![st])
}

fn closure(
    form: &ContractForm,
    b: &Binding,
    p: &mut Problems,
) -> (Option<ClosureTerms>, TermStatus) {
    if let Some((text, source)) = fixed(b, |t| &t.closure) {
        let mut text = text.clone();
        if let Some((e, _)) = fixed(b, |t| &t.efterregulering) {
            text.push_str(&format!(" Efterregulering: {e}"));
        }
        let st = status(
            "closure",
            "Lukning og efterregulering",
            true,
            Some(text.clone()),
            source.clone(),
        );
        return (Some(ClosureTerms { text, source }), st);
    }
    let typed = form.closure.trim();
    if typed.is_empty() {
        p.add("closure", format!("Lukning og efterregulering: {} om lukning af pladser eller tilbuddet og efterregulering.", why_typed(b)));
    } else if typed.chars().count() > 2000 {
        p.add("closure", "Lukning og efterregulering: højst 2.000 tegn.");
    }
    let ok = !typed.is_empty() && typed.chars().count() <= 2000;
    let terms = ok.then(|| ClosureTerms {
        text: typed.to_string(),
        source: TYPED.into(),
    });
    let st = status(
        "closure",
        "Lukning og efterregulering",
        false,
        terms.as_ref().map(|c| c.text.clone()),
        TYPED.into(),
    );
    (terms, st)
}

/// Every term: the agreement's where it fixes it, else the form's, with a problem for each that
/// is missing or does not read.
pub fn read(form: &ContractForm, b: &Binding, p: &mut Problems) -> Terms {
    let (buyer, buyer_status) = notice(
        &form.notice_buyer,
        "notice_buyer",
        "Købers opsigelsesvarsel",
        b,
        fixed(b, |t| &t.notice_buyer),
        p,
    );
    let (provider, provider_status) = notice(
        &form.notice_provider,
        "notice_provider",
        "Leverandørens opsigelsesvarsel",
        b,
        fixed(b, |t| &t.notice_provider),
        p,
    );
    let (payment, payment_statuses) = payment(form, b, p);
    let (absence, absence_statuses) = absence(form, b, p);
    let (closure, closure_status) = closure(form, b, p);
    let notice = buyer
        .zip(provider)
        .map(
            |((buyer, buyer_source), (provider, provider_source))| NoticeTerms {
                buyer_text: notice_text(&buyer),
                provider_text: notice_text(&provider),
                buyer,
                provider,
                example_values: false,
                buyer_source,
                provider_source,
            },
        );
    let mut statuses = vec![buyer_status, provider_status];
    statuses.extend(payment_statuses);
    statuses.extend(absence_statuses);
    statuses.push(closure_status);
    Terms {
        notice,
        payment,
        absence,
        closure,
        statuses,
    }
}

/// An offer covered only by other agreements than the buyer's: a concrete payment agreement
/// is needed (seed 002 L187), in the words of the agreement that says so.
pub fn payment_agreement_note(b: &Binding) -> String {
    let names: Vec<String> = b
        .others
        .iter()
        .map(|a| format!("{} ({})", a.name, a.id))
        .collect();
    let rule = b
        .others
        .iter()
        .copied()
        .chain(b.applicable.map(|a| a.agreement))
        .find_map(|a| {
            a.terms
                .outside_purchase
                .value
                .as_ref()
                .map(|v| format!("{v} ({}: {})", a.id, a.terms.outside_purchase.source))
        });
    match rule {
        Some(rule) => format!(
            "Tilbuddet er omfattet af {}, som ikke binder køber. {rule}",
            names.join(" og ")
        ),
        None => format!(
            "Tilbuddet er omfattet af {}, som ikke binder køber; vilkårene er dem, der er aftalt i denne kontrakt.",
            names.join(" og ")
        ),
    }
}

//! Fault matrix, SMTP: a certificate the account does not trust is a permanent failure in
//! words (the message `failed`, never "cannot reach", never queued to be retried forever).
use crate::common::Tayori;
use crate::smtp_edges::{add, outbox};
use crate::smtp_send::{send_mail, smtp_bed};

#[test]
fn faults_smtp_untrusted_certificate_fails_visibly_and_is_not_requeued() {
    let bed = smtp_bed();
    // Over 465 (TLS at once) and 587 (STARTTLS).
    for (port, security) in [
        (bed.submissions_port(), "tls"),
        (bed.submission_port(), "starttls"),
    ] {
        let t = Tayori::new();
        // No --ca-file: the bed's test CA is not trusted.
        let acc = add(&t, None, port, security);
        let r = send_mail(
            &t,
            &acc,
            "bob@example.test",
            "cert",
            "hello
",
        );
        assert_eq!(r.code, 1, "{security}: {} {}", r.stdout, r.stderr);
        let all = format!("{}{}", r.stdout, r.stderr);
        assert!(all.contains("failed"), "{security}: {all}");
        assert!(all.contains("certificate"), "{security}: {all}");
        assert!(!all.contains("cannot reach"), "{security}: {all}");
        let o = outbox(&t);
        assert_eq!(o[0]["state"], "failed", "{security}: {o:?}");
        assert!(
            o[0]["error"].as_str().unwrap_or("").contains("certificate"),
            "{security}: {o:?}"
        );
        // A later sync does not try it again by itself.
        let _ = t.run(&["sync"]);
        let o = outbox(&t);
        assert_eq!(o[0]["state"], "failed", "{security}: {o:?}");
        assert_eq!(o[0]["attempts"], 1, "{security}: {o:?}");
    }
}

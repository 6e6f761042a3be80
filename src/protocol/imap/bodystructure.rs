//! BODYSTRUCTURE -> the leaf parts with their IMAP section numbers. The same rules as
//! `mime::parse_message` (file names, attachment test), so IMAP and POP3 agree.
use crate::mime::{decode_header_text, param_value};
use crate::model::PartInfo;
use imap_proto::{BodyContentCommon, BodyParams, BodyStructure, ContentEncoding, Envelope};

fn params(p: &BodyParams<'_>) -> Vec<(String, Vec<u8>)> {
    p.iter()
        .flatten()
        .map(|(k, v)| (k.to_ascii_lowercase(), v.as_bytes().to_vec()))
        .collect()
}

fn encoding(e: &ContentEncoding<'_>) -> String {
    match e {
        ContentEncoding::SevenBit => "7bit".into(),
        ContentEncoding::EightBit => "8bit".into(),
        ContentEncoding::Binary => "binary".into(),
        ContentEncoding::Base64 => "base64".into(),
        ContentEncoding::QuotedPrintable => "quoted-printable".into(),
        ContentEncoding::Other(s) => s.trim().to_ascii_lowercase(),
    }
}

fn leaf(
    common: &BodyContentCommon<'_>,
    enc: &ContentEncoding<'_>,
    octets: u32,
    section: String,
    embedded: Option<&Envelope<'_>>,
) -> PartInfo {
    let mime = format!("{}/{}", common.ty.ty, common.ty.subtype).to_ascii_lowercase();
    let ct = params(&common.ty.params);
    let disp = common.disposition.as_ref();
    let disp_params = disp.map(|d| params(&d.params)).unwrap_or_default();
    let mut filename = param_value(&disp_params, "filename").or_else(|| param_value(&ct, "name"));
    let rfc822 = embedded.is_some();
    if rfc822 && filename.is_none() {
        let subject = embedded
            .and_then(|e| e.subject.as_deref())
            .map(decode_header_text)
            .unwrap_or_default();
        filename = Some(crate::mime::eml_filename(&subject));
    }
    PartInfo {
        section,
        charset: param_value(&ct, "charset"),
        encoding: encoding(enc),
        size: u64::from(octets),
        is_attachment: rfc822 || crate::mime::is_attachment(&mime, disp.map(|d| d.ty.as_ref())),
        filename,
        mime,
    }
}

fn walk(bs: &BodyStructure<'_>, section: String, top: bool, out: &mut Vec<PartInfo>) {
    match bs {
        BodyStructure::Multipart { bodies, .. } => {
            for (i, b) in bodies.iter().enumerate() {
                let child = if top {
                    (i + 1).to_string()
                } else {
                    format!("{section}.{}", i + 1)
                };
                walk(b, child, false, out);
            }
        }
        BodyStructure::Text { common, other, .. } | BodyStructure::Basic { common, other, .. } => {
            out.push(leaf(
                common,
                &other.transfer_encoding,
                other.octets,
                section,
                None,
            ));
        }
        BodyStructure::Message {
            common,
            other,
            envelope,
            ..
        } => out.push(leaf(
            common,
            &other.transfer_encoding,
            other.octets,
            section,
            Some(envelope),
        )),
    }
}

/// The leaf parts of a message, numbered as BODY[section] expects: a single-part message is
/// "1", multipart children "1", "2", nested "2.1"; an attached message/rfc822 is one leaf.
pub fn parts_from_bodystructure(bs: &BodyStructure<'_>) -> Vec<PartInfo> {
    let mut out = Vec::new();
    walk(bs, "1".to_string(), true, &mut out);
    out
}

pub fn has_attachments(parts: &[PartInfo]) -> bool {
    parts.iter().any(|p| p.is_attachment)
}

#[cfg(test)]
mod tests {
    use super::*;
    use imap_proto::{AttributeValue, Response};

    fn parts(line: &str) -> Vec<PartInfo> {
        let (rest, r) = Response::parse(line.as_bytes()).unwrap();
        assert!(rest.is_empty());
        let Response::Fetch(_, attrs) = r else {
            panic!("not a FETCH")
        };
        for a in attrs {
            if let AttributeValue::BodyStructure(bs) = a {
                return parts_from_bodystructure(&bs);
            }
        }
        panic!("no bodystructure")
    }

    fn sections(p: &[PartInfo]) -> Vec<&str> {
        p.iter().map(|x| x.section.as_str()).collect()
    }

    #[test]
    fn single_part_is_section_1() {
        let p = parts(
            "* 1 FETCH (UID 1 BODYSTRUCTURE (\"text\" \"plain\" (\"charset\" \"iso-2022-jp\") NIL NIL \"7bit\" 20 1 NIL NIL NIL NIL))\r\n",
        );
        assert_eq!(sections(&p), ["1"]);
        assert_eq!(p[0].mime, "text/plain");
        assert_eq!(p[0].charset.as_deref(), Some("iso-2022-jp"));
        assert_eq!(p[0].encoding, "7bit");
        assert!(!p[0].is_attachment && !has_attachments(&p));
    }

    #[test]
    fn alternative() {
        let p = parts(
            "* 2 FETCH (UID 2 BODYSTRUCTURE ((\"text\" \"plain\" (\"charset\" \"utf-8\") NIL NIL \"quoted-printable\" 120 4 NIL NIL NIL NIL)(\"text\" \"html\" (\"charset\" \"utf-8\") NIL NIL \"quoted-printable\" 400 9 NIL NIL NIL NIL) \"alternative\" (\"boundary\" \"b1\") NIL NIL NIL))\r\n",
        );
        assert_eq!(sections(&p), ["1", "2"]);
        assert_eq!(p[1].mime, "text/html");
        assert_eq!(p[0].encoding, "quoted-printable");
        assert!(!has_attachments(&p));
        assert_eq!(crate::mime::choose_text_part(&p).unwrap().section, "1");
    }

    #[test]
    fn mixed_with_alternative_and_attachments() {
        let p = parts(
            "* 3 FETCH (UID 3 BODYSTRUCTURE (((\"text\" \"plain\" (\"charset\" \"utf-8\") NIL NIL \"quoted-printable\" 10 1 NIL NIL NIL NIL)(\"text\" \"html\" (\"charset\" \"utf-8\") NIL NIL \"base64\" 30 1 NIL NIL NIL NIL) \"alternative\" (\"boundary\" \"b2\") NIL NIL NIL)(\"application\" \"pdf\" (\"name\" \"a.pdf\") NIL NIL \"base64\" 4000 NIL (\"attachment\" (\"filename\" \"a.pdf\")) NIL NIL)(\"image\" \"png\" NIL \"<img1@x>\" NIL \"base64\" 500 NIL (\"inline\" (\"filename\" \"=?UTF-8?B?5YaZ55yfLnBuZw==?=\")) NIL NIL) \"mixed\" (\"boundary\" \"b1\") NIL NIL NIL))\r\n",
        );
        assert_eq!(sections(&p), ["1.1", "1.2", "2", "3"]);
        assert_eq!(p[2].filename.as_deref(), Some("a.pdf"));
        assert_eq!(p[3].filename.as_deref(), Some("写真.png"));
        assert!(p[2].is_attachment && p[3].is_attachment);
        assert!(!p[0].is_attachment && !p[1].is_attachment);
        assert!(has_attachments(&p));
        assert_eq!(crate::mime::choose_text_part(&p).unwrap().section, "1.1");
    }

    #[test]
    fn japanese_rfc2231_filename() {
        // Dovecot merges RFC 2231 continuations into one "filename*" value.
        let p = parts(
            "* 4 FETCH (UID 4 BODYSTRUCTURE ((\"text\" \"plain\" (\"charset\" \"ISO-2022-JP\") NIL NIL \"7bit\" 42 2 NIL NIL NIL NIL)(\"application\" \"vnd.openxmlformats-officedocument.spreadsheetml.sheet\" NIL NIL NIL \"base64\" 9000 NIL (\"attachment\" (\"filename*\" \"UTF-8''%E8%A6%8B%E7%A9%8D%E6%9B%B8.xlsx\")) NIL NIL) \"mixed\" (\"boundary\" \"x\") NIL NIL NIL))\r\n",
        );
        assert_eq!(sections(&p), ["1", "2"]);
        assert_eq!(p[1].filename.as_deref(), Some("見積書.xlsx"));
        assert!(p[1].is_attachment);
        // Servers that pass continuations through, in ISO-2022-JP.
        let p = parts(
            "* 5 FETCH (UID 5 BODYSTRUCTURE ((\"text\" \"plain\" NIL NIL NIL \"7bit\" 1 1 NIL NIL NIL NIL)(\"application\" \"pdf\" (\"name*0*\" \"iso-2022-jp'ja'%1B%24%42%38%2B\" \"name*1*\" \"%40%51%3D%71%1B%28%42.pdf\") NIL NIL \"base64\" 10 NIL NIL NIL NIL) \"mixed\" (\"boundary\" \"x\") NIL NIL NIL))\r\n",
        );
        assert_eq!(p[1].filename.as_deref(), Some("見積書.pdf"));
        assert!(p[1].is_attachment);
    }

    #[test]
    fn nested_and_attached_message() {
        let p = parts(
            "* 6 FETCH (UID 6 BODYSTRUCTURE ((\"text\" \"plain\" (\"charset\" \"us-ascii\") NIL NIL \"7bit\" 5 1 NIL NIL NIL NIL)(\"message\" \"rfc822\" NIL NIL NIL \"7bit\" 300 (\"Mon, 2 Nov 2026 10:00:00 +0000\" \"=?ISO-2022-JP?B?GyRCRnxLXBsoQg==?=\" NIL NIL NIL NIL NIL NIL NIL \"<m@x>\") (\"text\" \"plain\" (\"charset\" \"us-ascii\") NIL NIL \"7bit\" 10 1 NIL NIL NIL NIL) 12 NIL NIL NIL NIL)((\"text\" \"plain\" NIL NIL NIL \"7bit\" 1 1 NIL NIL NIL NIL)(\"image\" \"gif\" (\"name\" \"x.gif\") NIL NIL \"base64\" 10 NIL NIL NIL NIL) \"related\" NIL NIL NIL NIL) \"mixed\" (\"boundary\" \"x\") NIL NIL NIL))\r\n",
        );
        assert_eq!(sections(&p), ["1", "2", "3.1", "3.2"]);
        assert_eq!(p[1].mime, "message/rfc822");
        assert_eq!(p[1].filename.as_deref(), Some("日本.eml"));
        assert!(p[1].is_attachment);
        assert!(p[3].is_attachment && !p[2].is_attachment);
    }
}

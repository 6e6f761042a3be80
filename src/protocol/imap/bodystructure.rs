//! BODYSTRUCTURE -> the leaf parts with their IMAP section numbers.
use crate::mime::decode_header_text;
use crate::model::PartInfo;
use async_imap::imap_proto::{BodyContentCommon, BodyStructure, ContentEncoding};

fn param<'a>(
    params: &'a Option<Vec<(std::borrow::Cow<'_, str>, std::borrow::Cow<'_, str>)>>,
    key: &str,
) -> Option<&'a str> {
    params
        .as_ref()?
        .iter()
        .find(|(k, _)| k.eq_ignore_ascii_case(key))
        .map(|(_, v)| v.as_ref())
}

/// RFC 2231 `filename*` values: charset'lang'percent-encoded.
fn rfc2231(v: &str) -> String {
    let mut it = v.splitn(3, '\'');
    let (Some(cs), Some(_), Some(enc)) = (it.next(), it.next(), it.next()) else {
        return v.to_string();
    };
    let mut bytes = Vec::new();
    let b = enc.as_bytes();
    let mut i = 0;
    while i < b.len() {
        if b[i] == b'%'
            && i + 2 < b.len()
            && let Ok(x) = u8::from_str_radix(&enc[i + 1..i + 3], 16)
        {
            bytes.push(x);
            i += 3;
            continue;
        }
        bytes.push(b[i]);
        i += 1;
    }
    crate::mime::sniff_text(&bytes, Some(cs))
}

fn filename(common: &BodyContentCommon<'_>) -> Option<String> {
    let disp = common.disposition.as_ref().map(|d| &d.params);
    if let Some(p) = disp {
        if let Some(v) = param(p, "filename*") {
            return Some(rfc2231(v));
        }
        if let Some(v) = param(p, "filename") {
            return Some(decode_header_text(v.as_bytes()));
        }
    }
    if let Some(v) = param(&common.ty.params, "name*") {
        return Some(rfc2231(v));
    }
    param(&common.ty.params, "name").map(|v| decode_header_text(v.as_bytes()))
}

fn encoding(e: &ContentEncoding<'_>) -> String {
    match e {
        ContentEncoding::SevenBit => "7bit".into(),
        ContentEncoding::EightBit => "8bit".into(),
        ContentEncoding::Binary => "binary".into(),
        ContentEncoding::Base64 => "base64".into(),
        ContentEncoding::QuotedPrintable => "quoted-printable".into(),
        ContentEncoding::Other(s) => s.to_ascii_lowercase(),
    }
}

fn leaf(
    common: &BodyContentCommon<'_>,
    enc: &ContentEncoding<'_>,
    octets: u32,
    section: String,
) -> PartInfo {
    let mime = format!("{}/{}", common.ty.ty, common.ty.subtype).to_ascii_lowercase();
    let filename = filename(common);
    let disp_attachment = common
        .disposition
        .as_ref()
        .is_some_and(|d| d.ty.eq_ignore_ascii_case("attachment"));
    let is_text = mime.starts_with("text/");
    PartInfo {
        section,
        charset: param(&common.ty.params, "charset").map(str::to_string),
        encoding: encoding(enc),
        size: u64::from(octets),
        is_attachment: disp_attachment
            || (!is_text && (filename.is_some() || !mime.starts_with("multipart/"))),
        filename,
        mime,
    }
}

fn walk(bs: &BodyStructure<'_>, prefix: &str, index: usize, top: bool, out: &mut Vec<PartInfo>) {
    // A single-part message's only part is section "1".
    let section = if prefix.is_empty() {
        index.to_string()
    } else {
        format!("{prefix}.{index}")
    };
    match bs {
        BodyStructure::Multipart { bodies, .. } => {
            let p = if top { String::new() } else { section };
            for (i, b) in bodies.iter().enumerate() {
                walk(b, &p, i + 1, false, out);
            }
        }
        BodyStructure::Text { common, other, .. } | BodyStructure::Basic { common, other, .. } => {
            out.push(leaf(
                common,
                &other.transfer_encoding,
                other.octets,
                section,
            ));
        }
        BodyStructure::Message { common, other, .. } => {
            let mut p = leaf(common, &other.transfer_encoding, other.octets, section);
            p.is_attachment = true;
            if p.filename.is_none() {
                p.filename = Some("message.eml".into());
            }
            out.push(p);
        }
    }
}

pub fn parts_from_bodystructure(bs: &BodyStructure<'_>) -> Vec<PartInfo> {
    let mut out = Vec::new();
    walk(bs, "", 1, true, &mut out);
    out
}

pub fn has_attachments(parts: &[PartInfo]) -> bool {
    parts.iter().any(|p| p.is_attachment)
}

#[cfg(test)]
mod tests {
    use super::*;
    use async_imap::imap_proto::{AttributeValue, Response};

    fn parts(line: &[u8]) -> Vec<PartInfo> {
        let (_, r) = Response::parse(line).unwrap();
        let Response::Fetch(_, attrs) = r else {
            panic!()
        };
        for a in attrs {
            if let AttributeValue::BodyStructure(bs) = a {
                return parts_from_bodystructure(&bs);
            }
        }
        panic!("no bodystructure")
    }

    #[test]
    fn single_part_is_section_1() {
        let p = parts(b"* 1 FETCH (BODYSTRUCTURE (\"text\" \"plain\" (\"charset\" \"iso-2022-jp\") NIL NIL \"7bit\" 20 1 NIL NIL NIL NIL))\r\n");
        assert_eq!(p.len(), 1);
        assert_eq!(p[0].section, "1");
        assert_eq!(p[0].charset.as_deref(), Some("iso-2022-jp"));
        assert!(!p[0].is_attachment);
    }

    #[test]
    fn mixed_with_alternative_and_attachments() {
        let p = parts(b"* 1 FETCH (BODYSTRUCTURE (((\"text\" \"plain\" (\"charset\" \"utf-8\") NIL NIL \"quoted-printable\" 10 1 NIL NIL NIL NIL)(\"text\" \"html\" (\"charset\" \"utf-8\") NIL NIL \"base64\" 30 1 NIL NIL NIL NIL) \"alternative\" (\"boundary\" \"b2\") NIL NIL NIL)(\"application\" \"pdf\" (\"name\" \"a.pdf\") NIL NIL \"base64\" 4000 NIL (\"attachment\" (\"filename\" \"a.pdf\")) NIL NIL)(\"image\" \"png\" NIL NIL NIL \"base64\" 500 NIL (\"attachment\" (\"filename*\" \"utf-8''%E5%86%99%E7%9C%9F.png\")) NIL NIL) \"mixed\" (\"boundary\" \"b1\") NIL NIL NIL))\r\n");
        let sections: Vec<&str> = p.iter().map(|x| x.section.as_str()).collect();
        assert_eq!(sections, ["1.1", "1.2", "2", "3"]);
        assert_eq!(p[2].filename.as_deref(), Some("a.pdf"));
        assert_eq!(p[3].filename.as_deref(), Some("写真.png"));
        assert!(p[2].is_attachment && p[3].is_attachment && !p[0].is_attachment);
        assert_eq!(choose(&p), "1.1");
    }

    fn choose(p: &[PartInfo]) -> &str {
        &crate::mime::choose_text_part(p).unwrap().section
    }
}

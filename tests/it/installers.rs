//! The package definitions, checked as far as this machine can: well-formed XML (WiX,
//! AppStream, Info.plist), the plist read by Python's plistlib, versions that follow
//! Cargo.toml, the mailto: registration in each, and icons of the sizes they claim.
#![allow(clippy::unwrap_used, clippy::expect_used)]
use std::path::Path;
use std::process::Command;

const VERSION: &str = env!("CARGO_PKG_VERSION");

fn read(path: &str) -> String {
    std::fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join(path))
        .unwrap_or_else(|e| panic!("{path}: {e}"))
}

#[test]
fn windows_wix_is_well_formed_and_registers_mailto() {
    let text = read("installers/windows/tayori.wxs");
    let doc = roxmltree::Document::parse(&text).unwrap();
    let root = doc.root_element();
    assert_eq!(root.tag_name().name(), "Wix");
    assert_eq!(
        root.tag_name().namespace(),
        Some("http://wixtoolset.org/schemas/v4/wxs")
    );
    let find = |tag: &str| {
        doc.descendants()
            .filter(|n| n.has_tag_name(tag))
            .collect::<Vec<_>>()
    };
    let package = find("Package")[0];
    assert_eq!(package.attribute("Version"), Some("$(var.Version)"));
    assert!(
        find("Shortcut")
            .iter()
            .any(|s| s.attribute("Directory") == Some("ProgramMenuFolder"))
    );
    assert!(
        find("Icon")
            .iter()
            .any(|i| i.attribute("SourceFile").unwrap().ends_with("tayori.ico"))
    );
    assert!(
        find("RegistryValue")
            .iter()
            .any(|v| v.attribute("Name") == Some("mailto")
                && v.attribute("Value") == Some("Tayori.mailto"))
    );
    assert!(
        find("RegistryKey")
            .iter()
            .any(|k| k.attribute("Key") == Some(r"Software\Classes\Tayori.mailto"))
    );
}

#[test]
fn macos_plist_parses_declares_mailto_and_follows_the_version() {
    let script = format!(
        r#"
import plistlib
p = plistlib.load(open("{}/installers/macos/Info.plist", "rb"))
assert p["CFBundleURLTypes"][0]["CFBundleURLSchemes"] == ["mailto"], p
assert p["CFBundleExecutable"] == "tayori"
assert p["CFBundleIconFile"] == "tayori.icns"
print(p["CFBundleShortVersionString"], p["CFBundleVersion"], p["CFBundleIdentifier"])
"#,
        env!("CARGO_MANIFEST_DIR")
    );
    let out = Command::new("python3")
        .arg("-c")
        .arg(script)
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert_eq!(
        String::from_utf8_lossy(&out.stdout).trim(),
        format!("{VERSION} {VERSION} io.github.tayori.Tayori")
    );
    let icns =
        std::fs::read(Path::new(env!("CARGO_MANIFEST_DIR")).join("installers/macos/tayori.icns"))
            .unwrap();
    assert_eq!(&icns[..4], b"icns");
    assert_eq!(
        u32::from_be_bytes(icns[4..8].try_into().unwrap()) as usize,
        icns.len()
    );
}

#[test]
fn linux_desktop_entry_and_metainfo_agree() {
    let desktop = read("installers/linux/tayori.desktop");
    for line in [
        "Exec=tayori %u",
        "MimeType=x-scheme-handler/mailto;",
        "Icon=io.github.tayori.Tayori",
        "Type=Application",
    ] {
        assert!(desktop.lines().any(|l| l == line), "missing {line}");
    }
    let text = read("installers/linux/io.github.tayori.Tayori.metainfo.xml");
    let doc = roxmltree::Document::parse(&text).unwrap();
    let child = |tag: &str| {
        doc.descendants()
            .find(|n| n.has_tag_name(tag))
            .unwrap_or_else(|| panic!("no <{tag}>"))
    };
    assert_eq!(child("id").text(), Some("io.github.tayori.Tayori"));
    assert_eq!(
        child("launchable").text(),
        Some("io.github.tayori.Tayori.desktop")
    );
    assert_eq!(child("release").attribute("version"), Some(VERSION));
    // The .deb installs the entry under the AppStream id.
    let cargo = read("Cargo.toml");
    assert!(cargo.contains(r#""usr/share/applications/io.github.tayori.Tayori.desktop""#));
}

#[test]
fn icons_have_the_sizes_their_paths_claim() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    for s in [16u32, 24, 32, 48, 64, 128, 256, 512] {
        let png = std::fs::read(root.join(format!(
            "installers/linux/icons/hicolor/{s}x{s}/apps/io.github.tayori.Tayori.png"
        )))
        .unwrap();
        assert_eq!(&png[1..4], b"PNG");
        let w = u32::from_be_bytes(png[16..20].try_into().unwrap());
        let h = u32::from_be_bytes(png[20..24].try_into().unwrap());
        assert_eq!((w, h), (s, s));
    }
    let ico = std::fs::read(root.join("installers/windows/tayori.ico")).unwrap();
    assert_eq!(&ico[..4], &[0, 0, 1, 0]);
    assert_eq!(u16::from_le_bytes([ico[4], ico[5]]), 7);
}

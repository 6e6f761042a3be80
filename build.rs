//! Build script: on Windows, embeds the icon and the version resource (from Cargo.toml) in
//! tayori.exe, so Explorer, the taskbar and the installer show them. Nothing elsewhere.
fn main() {
    println!("cargo::rerun-if-changed=build.rs");
    println!("cargo::rerun-if-changed=installers/windows/tayori.ico");
    #[cfg(windows)]
    if std::env::var("CARGO_CFG_TARGET_OS").as_deref() == Ok("windows") {
        let mut res = winresource::WindowsResource::new();
        res.set_icon("installers/windows/tayori.ico")
            .set("ProductName", "Tayori")
            .set("FileDescription", "Tayori mail client")
            .set("CompanyName", "Tayori developers");
        if let Err(e) = res.compile() {
            println!("cargo::warning=cannot embed the Windows icon and version: {e}");
        }
    }
}

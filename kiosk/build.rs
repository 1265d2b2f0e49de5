fn main() {
    // Element debug info lets the UI tests find elements; release builds go without it.
    let debug = std::env::var("PROFILE").is_ok_and(|p| p == "debug");
    // The manifest's folder as cargo gives it to this run, not as it was when the script was
    // compiled: a target folder shared by clones at other paths reuses the compiled script.
    let dir = std::env::var("CARGO_MANIFEST_DIR").expect("cargo sets CARGO_MANIFEST_DIR");
    let config = slint_build::CompilerConfiguration::new()
        .with_bundled_translations(format!("{dir}/translations"))
        .with_debug_info(debug);
    slint_build::compile_with_config("ui/app.slint", config).expect("the kiosk's .slint files compile");
}

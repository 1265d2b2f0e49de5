fn main() {
    // Element debug info lets the UI tests find elements; release builds go without it.
    let debug = std::env::var("PROFILE").is_ok_and(|p| p == "debug");
    let config = slint_build::CompilerConfiguration::new()
        .with_bundled_translations(concat!(env!("CARGO_MANIFEST_DIR"), "/translations"))
        .with_debug_info(debug);
    slint_build::compile_with_config("ui/app.slint", config).expect("the kiosk's .slint files compile");
}

fn main() {
    let config = slint_build::CompilerConfiguration::new()
        .with_bundled_translations(concat!(env!("CARGO_MANIFEST_DIR"), "/translations"));
    slint_build::compile_with_config("ui/app.slint", config).expect("the display's .slint files compile");
}

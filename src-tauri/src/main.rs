#![cfg_attr(not(debug_assertions), windows_subsystem = "windows")]

fn main() {
    pladsoverblik_app::run();
}

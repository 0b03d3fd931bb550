fn main() {
    // Declaring the app's commands makes Tauri generate a permission for each, so a window can
    // call only the commands its capability grants (see capabilities/main.json).
    tauri_build::try_build(tauri_build::Attributes::new().app_manifest(
        tauri_build::AppManifest::new().commands(&[
            "run_check",
            "answer_question",
            "list_devices",
            "get_settings",
            "save_devices",
            "start_preview",
            "stop_preview",
            "script_templates",
            "script_start",
            "script_view",
            "script_toggle",
            "script_move",
            "script_begin",
            "script_finish",
            "record_check",
            "checklist_update",
            "session_indicators",
            "focus_status",
            "focus_set",
            "schedule_get",
            "schedule_save",
            "schedule_remove",
            "schedule_import",
            "schedule_subscribe",
            "schedule_settings",
            "open_room",
            "start_session_script",
            "export_records",
            "session_as_planned",
            "programme_get",
            "programme_choose",
            "programme_custom_save",
            "script_programme",
            "script_concern",
            "script_window_note",
        ]),
    ))
    .expect("tauri-build failed");
}

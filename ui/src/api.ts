// Generated from the app's #[tauri::command] functions (src-tauri/src/contract.rs) by
// `cargo test -p mentor-preflight`. Do not edit: change the Rust function instead.

import { Channel, invoke } from "@tauri-apps/api/core";
import type { AppEvent } from "./bindings/AppEvent";
import type { CameraChoice } from "./bindings/CameraChoice";
import type { CheckGuide } from "./bindings/CheckGuide";
import type { CheckId } from "./bindings/CheckId";
import type { CheckOptions } from "./bindings/CheckOptions";
import type { ClockChoice } from "./bindings/ClockChoice";
import type { ConcernOutcome } from "./bindings/ConcernOutcome";
import type { ContactInput } from "./bindings/ContactInput";
import type { DeviceReport } from "./bindings/DeviceReport";
import type { FinishAnswers } from "./bindings/FinishAnswers";
import type { Finished } from "./bindings/Finished";
import type { FirstRun } from "./bindings/FirstRun";
import type { FocusStatus } from "./bindings/FocusStatus";
import type { HearOutcome } from "./bindings/HearOutcome";
import type { HistoryPoint } from "./bindings/HistoryPoint";
import type { ImportSummary } from "./bindings/ImportSummary";
import type { Indicators } from "./bindings/Indicators";
import type { LastAgreed } from "./bindings/LastAgreed";
import type { ListenEvent } from "./bindings/ListenEvent";
import type { PrepareView } from "./bindings/PrepareView";
import type { PreviewFrame } from "./bindings/PreviewFrame";
import type { ProgrammeView } from "./bindings/ProgrammeView";
import type { Progress } from "./bindings/Progress";
import type { ReminderConfig } from "./bindings/ReminderConfig";
import type { Report } from "./bindings/Report";
import type { ScheduleView } from "./bindings/ScheduleView";
import type { ScriptProgramme } from "./bindings/ScriptProgramme";
import type { ScriptView } from "./bindings/ScriptView";
import type { SessionInput } from "./bindings/SessionInput";
import type { SessionRecord } from "./bindings/SessionRecord";
import type { SettingsView } from "./bindings/SettingsView";
import type { TemplateInfo } from "./bindings/TemplateInfo";
import type { TimeStyle } from "./bindings/TimeStyle";

export function micMeterStart(mic: string | null, onEvent: Channel<ListenEvent>): Promise<null> {
  return invoke<null>("mic_meter_start", { mic, onEvent });
}

export function micMeterStop(): Promise<null> {
  return invoke<null>("mic_meter_stop");
}

export function hearYourself(mic: string | null, speaker: string | null, onEvent: Channel<ListenEvent>): Promise<HearOutcome> {
  return invoke<HearOutcome>("hear_yourself", { mic, speaker, onEvent });
}

export function playChime(speaker: string | null): Promise<null> {
  return invoke<null>("play_chime", { speaker });
}

export function runCheck(options: CheckOptions, onProgress: Channel<Progress>): Promise<Report> {
  return invoke<Report>("run_check", { options, onProgress });
}

export function checkHistory(): Promise<Array<HistoryPoint>> {
  return invoke<Array<HistoryPoint>>("check_history");
}

export function checkGuide(): Promise<CheckGuide> {
  return invoke<CheckGuide>("check_guide");
}

export function checklistUpdate(ticked: Array<string>): Promise<Report> {
  return invoke<Report>("checklist_update", { ticked });
}

export function sessionIndicators(): Promise<Indicators> {
  return invoke<Indicators>("session_indicators");
}

export function focusStatus(): Promise<FocusStatus> {
  return invoke<FocusStatus>("focus_status");
}

export function focusSet(on: boolean): Promise<FocusStatus> {
  return invoke<FocusStatus>("focus_set", { on });
}

export function answerQuestion(id: CheckId, yes: boolean): Promise<Report> {
  return invoke<Report>("answer_question", { id, yes });
}

export function startPreview(camera: CameraChoice, onFrame: Channel<PreviewFrame>): Promise<null> {
  return invoke<null>("start_preview", { camera, onFrame });
}

export function stopPreview(): Promise<null> {
  return invoke<null>("stop_preview");
}

export function scriptTemplates(): Promise<Array<TemplateInfo>> {
  return invoke<Array<TemplateInfo>>("script_templates");
}

export function scriptStart(template: string, vars: Record<string, string>): Promise<null> {
  return invoke<null>("script_start", { template, vars });
}

export function scriptWindowNote(): Promise<string | null> {
  return invoke<string | null>("script_window_note");
}

export function scriptView(): Promise<ScriptView> {
  return invoke<ScriptView>("script_view");
}

export function scriptToggle(item: number): Promise<ScriptView> {
  return invoke<ScriptView>("script_toggle", { item });
}

export function scriptBegin(): Promise<ScriptView> {
  return invoke<ScriptView>("script_begin");
}

export function scriptMove(forward: boolean): Promise<ScriptView> {
  return invoke<ScriptView>("script_move", { forward });
}

export function scriptProgramme(): Promise<ScriptProgramme | null> {
  return invoke<ScriptProgramme | null>("script_programme");
}

export function scriptConcern(): Promise<ConcernOutcome> {
  return invoke<ConcernOutcome>("script_concern");
}

export function scriptFinishPreview(): Promise<SessionRecord> {
  return invoke<SessionRecord>("script_finish_preview");
}

export function scriptFinish(answers: FinishAnswers): Promise<Finished> {
  return invoke<Finished>("script_finish", { answers });
}

export function scriptLastAgreed(): Promise<LastAgreed | null> {
  return invoke<LastAgreed | null>("script_last_agreed");
}

export function listDevices(): Promise<DeviceReport> {
  return invoke<DeviceReport>("list_devices");
}

export function getSettings(): Promise<SettingsView> {
  return invoke<SettingsView>("get_settings");
}

export function saveDevices(mic: string | null, speaker: string | null, camera: string | null): Promise<null> {
  return invoke<null>("save_devices", { mic, speaker, camera });
}

export function sessionAsPlanned(id: string, yes: boolean, reason: string | null): Promise<ScheduleView> {
  return invoke<ScheduleView>("session_as_planned", { id, yes, reason });
}

export function programmeGet(): Promise<ProgrammeView> {
  return invoke<ProgrammeView>("programme_get");
}

export function programmeChoose(programme: string | null, contact: ContactInput | null, firstRun: FirstRun | null): Promise<ProgrammeView> {
  return invoke<ProgrammeView>("programme_choose", { programme, contact, firstRun });
}

export function programmeCustomSave(text: string): Promise<ProgrammeView> {
  return invoke<ProgrammeView>("programme_custom_save", { text });
}

export function scheduleGet(): Promise<ScheduleView> {
  return invoke<ScheduleView>("schedule_get");
}

export function scheduleSave(id: string | null, input: SessionInput): Promise<ScheduleView> {
  return invoke<ScheduleView>("schedule_save", { id, input });
}

export function scheduleRemove(id: string): Promise<ScheduleView> {
  return invoke<ScheduleView>("schedule_remove", { id });
}

export function scheduleUnsubscribe(url: string): Promise<ScheduleView> {
  return invoke<ScheduleView>("schedule_unsubscribe", { url });
}

export function scheduleImport(body: Uint8Array, headers: Record<string, string>): Promise<ImportSummary> {
  return invoke<ImportSummary>("schedule_import", body, { headers });
}

export function scheduleSubscribe(url: string, programme: string | null, under18: boolean | null): Promise<ImportSummary> {
  return invoke<ImportSummary>("schedule_subscribe", { url, programme, under18 });
}

export function scheduleSettings(reminders: ReminderConfig, autostart: boolean): Promise<ScheduleView> {
  return invoke<ScheduleView>("schedule_settings", { reminders, autostart });
}

export function setClock(clock: ClockChoice): Promise<ScheduleView> {
  return invoke<ScheduleView>("set_clock", { clock });
}

export function timeStyle(): Promise<TimeStyle> {
  return invoke<TimeStyle>("time_style");
}

export function prepareView(): Promise<PrepareView | null> {
  return invoke<PrepareView | null>("prepare_view");
}

export function snoozeSession(id: string): Promise<null> {
  return invoke<null>("snooze_session", { id });
}

export function openRoom(id: string): Promise<null> {
  return invoke<null>("open_room", { id });
}

export function startSessionScript(id: string): Promise<null> {
  return invoke<null>("start_session_script", { id });
}

export function exportRecords(day: string | null): Promise<string | null> {
  return invoke<string | null>("export_records", { day });
}

export function takeLaunchIntent(): Promise<AppEvent | null> {
  return invoke<AppEvent | null>("take_launch_intent");
}

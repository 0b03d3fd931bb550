; Mentor Preflight's Windows installer, compiled by Debian's makensis (./dev package-windows).
; Installs the app, its tray process and the `preflight` command into Program Files, adds a
; Start-menu entry and the per-user autostart entry of the tray (the same Run value the app's
; "start at login" switch writes), registers the uninstaller, and checks for Microsoft's WebView2
; runtime, which the app's window needs. Silent with /S; the uninstaller leaves the mentor's own
; data (schedule, records, settings under %APPDATA%) where it is.
;
; Defines given by ./dev package-windows: VERSION, BINDIR (the built .exe files), ICON, OUTFILE.

Target amd64-unicode
SetCompressor /SOLID lzma
ManifestDPIAware true

!define APPNAME "Mentor Preflight"
!define APPID "org.mentorpreflight.app"
!define UNINSTALL_KEY "Software\Microsoft\Windows\CurrentVersion\Uninstall\${APPID}"
!define RUN_KEY "Software\Microsoft\Windows\CurrentVersion\Run"
; Microsoft's registration of the Evergreen WebView2 runtime (per machine, and per user).
!define WEBVIEW2_KEY "Microsoft\EdgeUpdate\Clients\{F3017226-FE2A-4295-8BDF-00C3A9A7E4C5}"
!define WEBVIEW2_DOWNLOAD "https://developer.microsoft.com/microsoft-edge/webview2/"

Name "${APPNAME}"
OutFile "${OUTFILE}"
Icon "${ICON}"
UninstallIcon "${ICON}"
InstallDir "$PROGRAMFILES64\${APPNAME}"
RequestExecutionLevel admin
BrandingText "${APPNAME} ${VERSION}"

VIProductVersion "${VERSION}.0"
VIAddVersionKey "ProductName" "${APPNAME}"
VIAddVersionKey "FileDescription" "${APPNAME} installer"
VIAddVersionKey "FileVersion" "${VERSION}"
VIAddVersionKey "ProductVersion" "${VERSION}"
VIAddVersionKey "LegalCopyright" "MIT OR Apache-2.0"

Page directory
Page instfiles
UninstPage uninstConfirm
UninstPage instfiles

Function .onInit
  SetRegView 64
FunctionEnd

Function un.onInit
  SetRegView 64
FunctionEnd

Section "Mentor Preflight"
  SetShellVarContext all
  ; A tray process of an earlier version would keep its .exe busy.
  nsExec::Exec 'taskkill /IM mentor-preflight-tray.exe /F'
  Pop $0
  SetOutPath "$INSTDIR"
  File "${BINDIR}/mentor-preflight.exe"
  File "${BINDIR}/mentor-preflight-tray.exe"
  File "${BINDIR}/preflight.exe"
  WriteUninstaller "$INSTDIR\uninstall.exe"

  CreateShortcut "$SMPROGRAMS\${APPNAME}.lnk" "$INSTDIR\mentor-preflight.exe" "" "$INSTDIR\mentor-preflight.exe" 0
  ; Reminders need the tray process from login on (the app can switch this off).
  WriteRegStr HKCU "${RUN_KEY}" "${APPNAME}" "$INSTDIR\mentor-preflight-tray.exe"

  WriteRegStr HKLM "${UNINSTALL_KEY}" "DisplayName" "${APPNAME}"
  WriteRegStr HKLM "${UNINSTALL_KEY}" "DisplayVersion" "${VERSION}"
  WriteRegStr HKLM "${UNINSTALL_KEY}" "Publisher" "Mentor Preflight"
  WriteRegStr HKLM "${UNINSTALL_KEY}" "DisplayIcon" "$INSTDIR\mentor-preflight.exe"
  WriteRegStr HKLM "${UNINSTALL_KEY}" "InstallLocation" "$INSTDIR"
  WriteRegStr HKLM "${UNINSTALL_KEY}" "UninstallString" '"$INSTDIR\uninstall.exe"'
  WriteRegStr HKLM "${UNINSTALL_KEY}" "QuietUninstallString" '"$INSTDIR\uninstall.exe" /S'
  WriteRegDWORD HKLM "${UNINSTALL_KEY}" "NoModify" 1
  WriteRegDWORD HKLM "${UNINSTALL_KEY}" "NoRepair" 1

  ; The window needs Microsoft's WebView2 runtime (part of Windows 11 and of current Windows 10).
  ; Without it the app says so when it starts; here the mentor is offered Microsoft's page.
  ReadRegStr $0 HKLM "SOFTWARE\WOW6432Node\${WEBVIEW2_KEY}" "pv"
  StrCmp $0 "" 0 +2
  ReadRegStr $0 HKCU "Software\${WEBVIEW2_KEY}" "pv"
  StrCmp $0 "" webview2_missing
  StrCmp $0 "0.0.0.0" webview2_missing webview2_found
  webview2_missing:
    DetailPrint "Microsoft Edge WebView2 Runtime is not installed: the window needs it (${WEBVIEW2_DOWNLOAD}). The preflight command works without it."
    IfSilent webview2_found
    MessageBox MB_YESNO|MB_ICONINFORMATION "Mentor Preflight's window needs Microsoft Edge WebView2 Runtime, which is not installed on this computer.$\r$\n$\r$\nOpen Microsoft's download page now?" IDNO webview2_found
    ExecShell "open" "${WEBVIEW2_DOWNLOAD}"
  webview2_found:
SectionEnd

Section "Uninstall"
  SetShellVarContext all
  nsExec::Exec 'taskkill /IM mentor-preflight-tray.exe /F'
  Pop $0
  nsExec::Exec 'taskkill /IM mentor-preflight.exe /F'
  Pop $0
  Delete "$INSTDIR\mentor-preflight.exe"
  Delete "$INSTDIR\mentor-preflight-tray.exe"
  Delete "$INSTDIR\preflight.exe"
  Delete "$INSTDIR\uninstall.exe"
  RMDir "$INSTDIR"
  Delete "$SMPROGRAMS\${APPNAME}.lnk"
  DeleteRegValue HKCU "${RUN_KEY}" "${APPNAME}"
  DeleteRegKey HKLM "${UNINSTALL_KEY}"
SectionEnd

//! What only Windows offers, compiled on Windows only:
//!
//! - who holds the camera and microphone now: Windows' own record behind the privacy indicator,
//!   the CapabilityAccessManager consent store in the user's registry (an app whose
//!   `LastUsedTimeStop` is 0 after a start holds the device; parsed by
//!   [`crate::inuse::consent_in_use`]);
//! - which recorders run: the process list (Toolhelp snapshot), matched by program file name;
//! - the Wi‑Fi signal of the link: the WLAN API's signal quality, in dBm;
//! - the TCP counters of a connection: `SIO_TCP_INFO` (Windows 10 1703 and later);
//! - focus mode: Windows gives apps no switch for Do not disturb, so there is none here (the
//!   window says how to do it by hand).
//!
//! Every call is bounded by the API itself (no helper programs, no console windows); a missing
//! answer (an older Windows, Wine, a service that is off) is "cannot tell", said so.

use std::ffi::c_void;

use windows_sys::Win32::Foundation::{CloseHandle, ERROR_SUCCESS, INVALID_HANDLE_VALUE};
use windows_sys::Win32::NetworkManagement::WiFi::{
    wlan_intf_opcode_current_connection, WlanCloseHandle, WlanEnumInterfaces, WlanFreeMemory,
    WlanOpenHandle, WlanQueryInterface, WLAN_CONNECTION_ATTRIBUTES, WLAN_INTERFACE_INFO,
    WLAN_INTERFACE_INFO_LIST,
};
use windows_sys::Win32::Networking::WinSock::{
    TCP_INFO_v0, WSAIoctl, SIO_TCP_INFO, SIO_UDP_CONNRESET, SOCKET,
};
use windows_sys::Win32::System::Diagnostics::ToolHelp::{
    CreateToolhelp32Snapshot, Process32FirstW, Process32NextW, PROCESSENTRY32W, TH32CS_SNAPPROCESS,
};
use windows_sys::Win32::System::Registry::{
    RegCloseKey, RegEnumKeyExW, RegGetValueW, RegOpenKeyExW, HKEY, HKEY_CURRENT_USER, KEY_READ,
    RRF_RT_REG_QWORD,
};
use windows_sys::Win32::UI::WindowsAndMessaging::{MessageBoxW, MB_ICONWARNING, MB_OK};

use crate::inuse::{consent_in_use, recorders, ConsentEntry, DeviceUse, Indicators, ProcInfo};
use crate::link::{wlan_quality_dbm, LinkDetails};

/// UTF-16, NUL-terminated, for the wide-string APIs.
fn wide(s: &str) -> Vec<u16> {
    s.encode_utf16().chain(std::iter::once(0)).collect()
}

/// A wide string up to its NUL.
fn from_wide(w: &[u16]) -> String {
    let end = w.iter().position(|&c| c == 0).unwrap_or(w.len());
    String::from_utf16_lossy(&w[..end])
}

/// An open registry key, closed when dropped.
struct Key(HKEY);

impl Key {
    fn open(parent: HKEY, path: &str) -> Option<Key> {
        let mut key: HKEY = std::ptr::null_mut();
        let path = wide(path);
        // SAFETY: a valid parent key and NUL-terminated path; `key` receives the handle.
        let r = unsafe { RegOpenKeyExW(parent, path.as_ptr(), 0, KEY_READ, &mut key) };
        (r == ERROR_SUCCESS).then_some(Key(key))
    }

    /// The names of the subkeys (at most 4,096, each at most 255 characters, as the registry
    /// allows).
    fn subkeys(&self) -> Vec<String> {
        let mut names = Vec::new();
        for i in 0..4096 {
            let mut buf = [0u16; 256];
            let mut len = buf.len() as u32;
            // SAFETY: `buf` holds `len` characters; optional outputs are null.
            let r = unsafe {
                RegEnumKeyExW(
                    self.0,
                    i,
                    buf.as_mut_ptr(),
                    &mut len,
                    std::ptr::null(),
                    std::ptr::null_mut(),
                    std::ptr::null_mut(),
                    std::ptr::null_mut(),
                )
            };
            if r != ERROR_SUCCESS {
                break;
            }
            names.push(from_wide(&buf[..len as usize]));
        }
        names
    }

    /// A REG_QWORD value of subkey `sub`, 0 when it is missing.
    fn qword(&self, sub: &str, value: &str) -> u64 {
        let (sub, value) = (wide(sub), wide(value));
        let mut data = 0u64;
        let mut size = std::mem::size_of::<u64>() as u32;
        // SAFETY: `data` has room for the `size` bytes a REG_QWORD takes.
        let r = unsafe {
            RegGetValueW(
                self.0,
                sub.as_ptr(),
                value.as_ptr(),
                RRF_RT_REG_QWORD,
                std::ptr::null_mut(),
                &mut data as *mut u64 as *mut c_void,
                &mut size,
            )
        };
        if r == ERROR_SUCCESS {
            data
        } else {
            0
        }
    }
}

impl Drop for Key {
    fn drop(&mut self) {
        // SAFETY: the handle came from RegOpenKeyExW and is closed once.
        unsafe { RegCloseKey(self.0) };
    }
}

const CONSENT_STORE: &str =
    r"Software\Microsoft\Windows\CurrentVersion\CapabilityAccessManager\ConsentStore";

/// The consent store's entries for `capability` (`webcam`, `microphone`): packaged apps, then
/// the desktop programs under `NonPackaged`. `None` where this Windows keeps no such record.
fn consent_entries(capability: &str) -> Option<Vec<ConsentEntry>> {
    let store = Key::open(HKEY_CURRENT_USER, &format!(r"{CONSENT_STORE}\{capability}"))?;
    let entry = |key: &Key, name: String| ConsentEntry {
        last_used_start: key.qword(&name, "LastUsedTimeStart"),
        last_used_stop: key.qword(&name, "LastUsedTimeStop"),
        key: name,
    };
    let mut entries: Vec<ConsentEntry> = store
        .subkeys()
        .into_iter()
        .filter(|n| n != "NonPackaged")
        .map(|n| entry(&store, n))
        .collect();
    if let Some(desktop) = Key::open(store.0, "NonPackaged") {
        entries.extend(desktop.subkeys().into_iter().map(|n| entry(&desktop, n)));
    }
    Some(entries)
}

fn own_exe() -> String {
    std::env::current_exe()
        .ok()
        .and_then(|p| p.file_name().map(|n| n.to_string_lossy().into_owned()))
        .unwrap_or_default()
}

fn device_use(capability: &str) -> Option<DeviceUse> {
    consent_entries(capability).map(|e| consent_in_use(&e, &own_exe()))
}

/// Looks at this computer now.
pub fn indicators() -> Indicators {
    let camera = device_use("webcam");
    let mic = device_use("microphone");
    let note = (camera.is_none() || mic.is_none()).then(|| {
        "This version of Windows does not tell which apps use the camera and microphone.".into()
    });
    Indicators {
        camera: camera.unwrap_or_default(),
        mic: mic.unwrap_or_default(),
        recorders: running_recorders(),
        note,
    }
}

/// The running processes' program file names (no command lines: those need more rights).
fn processes() -> Option<Vec<ProcInfo>> {
    // SAFETY: a snapshot of all processes; the handle is closed below.
    let snap = unsafe { CreateToolhelp32Snapshot(TH32CS_SNAPPROCESS, 0) };
    if snap == INVALID_HANDLE_VALUE || snap.is_null() {
        return None;
    }
    let mut out = Vec::new();
    let mut entry = PROCESSENTRY32W {
        dwSize: std::mem::size_of::<PROCESSENTRY32W>() as u32,
        ..Default::default()
    };
    // SAFETY: `entry.dwSize` is set as the API requires; the snapshot handle is valid.
    let mut more = unsafe { Process32FirstW(snap, &mut entry) } != 0;
    while more && out.len() < 100_000 {
        out.push(ProcInfo {
            pid: entry.th32ProcessID,
            comm: from_wide(&entry.szExeFile),
            cmdline: Vec::new(),
            fds: Vec::new(),
        });
        // SAFETY: as above.
        more = unsafe { Process32NextW(snap, &mut entry) } != 0;
    }
    // SAFETY: the snapshot handle is closed once.
    unsafe { CloseHandle(snap) };
    Some(out)
}

/// The known recorders running now, or `None` if the process list cannot be read.
pub fn running_recorders() -> Option<Vec<String>> {
    processes().map(|p| recorders(&p, std::process::id()))
}

/// `{XXXXXXXX-XXXX-XXXX-XXXX-XXXXXXXXXXXX}`, as `netdev` names an adapter on Windows.
fn guid_string(g: &windows_sys::core::GUID) -> String {
    let d = g.data4;
    format!(
        "{{{:08X}-{:04X}-{:04X}-{:02X}{:02X}-{:02X}{:02X}{:02X}{:02X}{:02X}{:02X}}}",
        g.data1, g.data2, g.data3, d[0], d[1], d[2], d[3], d[4], d[5], d[6], d[7]
    )
}

/// The Wi‑Fi signal (dBm) of the adapter `name` (its GUID), if it is a connected Wi‑Fi adapter.
fn wifi_signal_dbm(name: &str) -> Option<i32> {
    let mut version = 0u32;
    let mut client = std::ptr::null_mut();
    // SAFETY: version 2 of the WLAN API (Vista and later); outputs are valid pointers.
    if unsafe { WlanOpenHandle(2, std::ptr::null(), &mut version, &mut client) } != ERROR_SUCCESS {
        return None;
    }
    let mut list: *mut WLAN_INTERFACE_INFO_LIST = std::ptr::null_mut();
    let mut signal = None;
    // SAFETY: `client` is open; the list is freed with WlanFreeMemory below.
    if unsafe { WlanEnumInterfaces(client, std::ptr::null(), &mut list) } == ERROR_SUCCESS
        && !list.is_null()
    {
        // SAFETY: the API returns dwNumberOfItems entries laid out after the header.
        let items: &[WLAN_INTERFACE_INFO] = unsafe {
            std::slice::from_raw_parts(
                (*list).InterfaceInfo.as_ptr(),
                ((*list).dwNumberOfItems as usize).min(64),
            )
        };
        for item in items {
            if !guid_string(&item.InterfaceGuid).eq_ignore_ascii_case(name) {
                continue;
            }
            let mut size = 0u32;
            let mut data: *mut c_void = std::ptr::null_mut();
            // SAFETY: valid handle and GUID; the data is freed with WlanFreeMemory.
            let r = unsafe {
                WlanQueryInterface(
                    client,
                    &item.InterfaceGuid,
                    wlan_intf_opcode_current_connection,
                    std::ptr::null(),
                    &mut size,
                    &mut data,
                    std::ptr::null_mut(),
                )
            };
            if r == ERROR_SUCCESS && !data.is_null() {
                if size as usize >= std::mem::size_of::<WLAN_CONNECTION_ATTRIBUTES>() {
                    // SAFETY: the API wrote a WLAN_CONNECTION_ATTRIBUTES of `size` bytes.
                    let attrs = unsafe { &*(data as *const WLAN_CONNECTION_ATTRIBUTES) };
                    signal = Some(wlan_quality_dbm(
                        attrs.wlanAssociationAttributes.wlanSignalQuality,
                    ));
                }
                // SAFETY: memory the API allocated, freed once.
                unsafe { WlanFreeMemory(data) };
            }
        }
        // SAFETY: as above.
        unsafe { WlanFreeMemory(list as *mut c_void) };
    }
    // SAFETY: the handle is closed once.
    unsafe { WlanCloseHandle(client, std::ptr::null()) };
    signal
}

/// What Windows says about adapter `name` beyond `netdev`'s report: the Wi‑Fi signal. The
/// driver is not asked (tethering is found by its gateway and type); metered connections are
/// not told to desktop programs without COM, so that stays unknown.
pub fn link_details(name: &str) -> LinkDetails {
    LinkDetails {
        signal_dbm: wifi_signal_dbm(name),
        ..LinkDetails::default()
    }
}

/// Bytes the other end has acknowledged: what left (`BytesOut`) less what is still in flight,
/// from `SIO_TCP_INFO` version 0.
pub fn tcp_bytes_acked(socket: crate::RawSocket) -> Option<u64> {
    let version = 0u32;
    let mut info = TCP_INFO_v0::default();
    let mut returned = 0u32;
    // SAFETY: input is the version DWORD, output a TCP_INFO_v0 of the size passed; no
    // overlapped I/O (the call completes at once).
    let r = unsafe {
        WSAIoctl(
            socket as SOCKET,
            SIO_TCP_INFO,
            &version as *const u32 as *const c_void,
            std::mem::size_of::<u32>() as u32,
            &mut info as *mut TCP_INFO_v0 as *mut c_void,
            std::mem::size_of::<TCP_INFO_v0>() as u32,
            &mut returned,
            std::ptr::null_mut(),
            None,
        )
    };
    (r == 0 && returned as usize >= std::mem::size_of::<TCP_INFO_v0>())
        .then(|| info.BytesOut.saturating_sub(u64::from(info.BytesInFlight)))
}

/// A message box with `title` and `text` (no owner window).
pub fn alert(title: &str, text: &str) {
    let (title, text) = (wide(title), wide(text));
    // SAFETY: NUL-terminated wide strings that outlive the call; no owner window.
    unsafe {
        MessageBoxW(
            std::ptr::null_mut(),
            text.as_ptr(),
            title.as_ptr(),
            MB_OK | MB_ICONWARNING,
        )
    };
}

/// `SIO_UDP_CONNRESET` off: an ICMP "port unreachable" no longer fails the socket's next
/// receive with `WSAECONNRESET`. Where the option is missing the probes still end in time, each
/// error counting as a lost probe.
pub fn ignore_udp_unreachable(socket: crate::RawSocket) {
    let off: u32 = 0;
    let mut returned = 0u32;
    // SAFETY: input is a BOOL (4 bytes) that outlives the call; no output; not overlapped.
    unsafe {
        WSAIoctl(
            socket as SOCKET,
            SIO_UDP_CONNRESET,
            &off as *const u32 as *const c_void,
            std::mem::size_of::<u32>() as u32,
            std::ptr::null_mut(),
            0,
            &mut returned,
            std::ptr::null_mut(),
            None,
        )
    };
}

/// How the user's Windows settings write times and dates (Region → Formats: the long time and
/// the short date patterns).
pub fn locale_times() -> crate::locale::LocaleTimes {
    let get = |lctype: u32| {
        let mut buf = [0u16; 96];
        // SAFETY: a null name is LOCALE_NAME_USER_DEFAULT; the buffer's length is given in
        // UTF-16 units and the answer is NUL-terminated within it.
        let n = unsafe {
            windows_sys::Win32::Globalization::GetLocaleInfoEx(
                std::ptr::null(),
                lctype,
                buf.as_mut_ptr(),
                buf.len() as i32,
            )
        };
        if n > 0 {
            from_wide(&buf)
        } else {
            String::new()
        }
    };
    crate::locale::from_windows(
        &get(windows_sys::Win32::Globalization::LOCALE_STIMEFORMAT),
        &get(windows_sys::Win32::Globalization::LOCALE_SSHORTDATE),
    )
}

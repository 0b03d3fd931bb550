//! Link classification from sysfs trees laid out as Linux presents them (fixtures/sysfs), for
//! the kinds of link a CI machine does not have: Wi‑Fi, USB tethering, VPNs, modems.

use std::net::Ipv4Addr;
use std::path::Path;

use preflight_host::link as sysfs;
use preflight_net::link::IfType;
use preflight_net::{classify, LinkFacts, LinkKind};

fn classify_fixture(case: &str, name: &str, gateway: [u8; 4]) -> preflight_net::LinkInfo {
    let root =
        Path::new(&*std::env::var("CARGO_MANIFEST_DIR").expect("cargo sets CARGO_MANIFEST_DIR"))
            .join("tests/fixtures/sysfs")
            .join(case);
    let sys = sysfs::read(&root, name);
    classify(&LinkFacts {
        name: name.into(),
        // What netdev reports on Linux for all of these: Ethernet-like or unknown.
        if_type: sys.if_type.unwrap_or(IfType::Ethernet),
        gateway_v4: Some(Ipv4Addr::from(gateway)),
        speed_bps: None,
        driver: sys.driver,
        signal_dbm: None,
        metered: None,
    })
}

#[test]
fn recorded_trees_classify_as_a_person_would_name_them() {
    let cases = [
        ("laptop-wifi", "wlp2s0", [192, 168, 1, 1], LinkKind::Wifi),
        ("iphone-usb", "eth1", [172, 20, 10, 1], LinkKind::Hotspot),
        // USB tethering is recognised by its driver even on an unusual subnet.
        ("android-usb", "usb0", [10, 42, 0, 1], LinkKind::Hotspot),
        ("desktop-wired", "enp3s0", [192, 168, 1, 1], LinkKind::Wired),
        ("wireguard", "wg0", [10, 0, 0, 1], LinkKind::Vpn),
        ("modem", "wwan0", [10, 64, 64, 64], LinkKind::Cellular),
        ("openvpn", "tun0", [10, 8, 0, 1], LinkKind::Vpn),
    ];
    for (case, name, gw, want) in cases {
        let info = classify_fixture(case, name, gw);
        assert_eq!(info.kind, want, "{case}: {}", info.reason);
    }
}

#[test]
fn driver_and_type_are_read() {
    let root =
        Path::new(&*std::env::var("CARGO_MANIFEST_DIR").expect("cargo sets CARGO_MANIFEST_DIR"))
            .join("tests/fixtures/sysfs/iphone-usb");
    let sys = sysfs::read(&root, "eth1");
    assert_eq!(sys.driver.as_deref(), Some("ipheth"));
    assert_eq!(sys.if_type, None);
    let missing = sysfs::read(&root, "nope0");
    assert_eq!(missing, sysfs::SysfsFacts::default());
}

#[test]
fn the_real_machine_classifies() {
    let info = preflight_net::detect();
    assert!(!info.reason.is_empty());
    // CI machines are wired (or virtual Ethernet); nothing here is Wi‑Fi or a hotspot.
    if Path::new("/sys/class/net/eth0").exists() && info.interface.as_deref() == Some("eth0") {
        assert_eq!(info.kind, LinkKind::Wired, "{}", info.reason);
    }
}

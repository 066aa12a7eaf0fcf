/**
 * CIM `CIM_OperatingSystem.OSType` codes (OperatingSystemSection/@ovf:id) → vSphere guest id,
 * used by CreateImportSpec when the descriptor has no `vmw:osType`.
 *
 * Codes and names from the DMTF CIM schema (CIM_OperatingSystem.OSType ValueMap/Values); the
 * guest id chosen for each is the closest vSphere identifier (ovftool makes the same kind of
 * choice; where a CIM name covers several releases the generic id is used — an approximation).
 * @see DSP0243 §9.7, vim25 VirtualMachineGuestOsIdentifier
 */
export const CIM_OS_TO_GUEST_ID: Readonly<Record<number, readonly [cimName: string, guestId: string]>> = {
  0: ['Unknown', 'otherGuest'],
  1: ['Other', 'otherGuest'],
  2: ['MACOS', 'darwinGuest'],
  12: ['OS/2', 'os2Guest'],
  14: ['MSDOS', 'dosGuest'],
  15: ['WIN3x', 'win31Guest'],
  16: ['WIN95', 'win95Guest'],
  17: ['WIN98', 'win98Guest'],
  18: ['WINNT', 'winNTGuest'],
  21: ['NetWare', 'netware6Guest'],
  25: ['SCO UnixWare', 'unixWare7Guest'],
  26: ['SCO OpenServer', 'openServer6Guest'],
  29: ['Solaris', 'solaris10Guest'],
  36: ['LINUX', 'otherLinuxGuest'],
  42: ['FreeBSD', 'freebsdGuest'],
  58: ['Windows 2000', 'win2000ServGuest'],
  63: ['Windows (R) Me', 'winMeGuest'],
  66: ['Not Applicable', 'otherGuest'],
  67: ['Windows XP', 'winXPProGuest'],
  69: ['Microsoft Windows Server 2003', 'winNetStandardGuest'],
  70: ['Microsoft Windows Server 2003 64-Bit', 'winNetStandard64Guest'],
  71: ['Windows XP 64-Bit', 'winXPPro64Guest'],
  73: ['Windows Vista', 'winVistaGuest'],
  74: ['Windows Vista 64-Bit', 'winVista64Guest'],
  76: ['Microsoft Windows Server 2008', 'winLonghornGuest'],
  77: ['Microsoft Windows Server 2008 64-Bit', 'winLonghorn64Guest'],
  78: ['FreeBSD 64-Bit', 'freebsd64Guest'],
  79: ['RedHat Enterprise Linux', 'rhel6Guest'],
  80: ['RedHat Enterprise Linux 64-Bit', 'rhel6_64Guest'],
  81: ['Solaris 64-Bit', 'solaris10_64Guest'],
  82: ['SUSE', 'suseGuest'],
  83: ['SUSE 64-Bit', 'suse64Guest'],
  84: ['SLES', 'slesGuest'],
  85: ['SLES 64-Bit', 'sles64Guest'],
  86: ['Novell OES', 'oesGuest'],
  87: ['Novell Linux Desktop', 'nld9Guest'],
  88: ['Sun Java Desktop System', 'sjdsGuest'],
  89: ['Mandriva', 'mandrivaGuest'],
  90: ['Mandriva 64-Bit', 'mandriva64Guest'],
  91: ['TurboLinux', 'turboLinuxGuest'],
  92: ['TurboLinux 64-Bit', 'turboLinux64Guest'],
  93: ['Ubuntu', 'ubuntuGuest'],
  94: ['Ubuntu 64-Bit', 'ubuntu64Guest'],
  95: ['Debian', 'debian10Guest'],
  96: ['Debian 64-Bit', 'debian10_64Guest'],
  97: ['Linux 2.4.x', 'other24xLinuxGuest'],
  98: ['Linux 2.4.x 64-Bit', 'other24xLinux64Guest'],
  99: ['Linux 2.6.x', 'other26xLinuxGuest'],
  100: ['Linux 2.6.x 64-Bit', 'other26xLinux64Guest'],
  101: ['Linux 64-Bit', 'otherLinux64Guest'],
  102: ['Other 64-Bit', 'otherGuest64'],
  103: ['Microsoft Windows Server 2008 R2', 'windows7Server64Guest'],
  104: ['VMware ESXi', 'vmkernel65Guest'],
  105: ['Microsoft Windows 7', 'windows7Guest'],
  106: ['CentOS 32-bit', 'centosGuest'],
  107: ['CentOS 64-bit', 'centos64Guest'],
  108: ['Oracle Linux 32-bit', 'oracleLinuxGuest'],
  109: ['Oracle Linux 64-bit', 'oracleLinux64Guest'],
  110: ['eComStation 32-bitx', 'eComStationGuest'],
  111: ['Microsoft Windows Server 2011', 'windows7Server64Guest'],
  112: ['Microsoft Windows Server 2012', 'windows8Server64Guest'],
  113: ['Microsoft Windows 8', 'windows8Guest'],
  114: ['Microsoft Windows 8 64-bit', 'windows8_64Guest'],
  115: ['Microsoft Windows Server 2012 R2', 'windows8Server64Guest'],
};

/** The guest id for an OperatingSystemSection (`vmw:osType` wins over the CIM code). */
export function guestIdFor(osType: string | undefined, cimId: string | undefined): string {
  if (osType) return osType;
  const n = cimId === undefined ? Number.NaN : Number(cimId);
  return (Number.isInteger(n) ? CIM_OS_TO_GUEST_ID[n]?.[1] : undefined) ?? 'otherGuest';
}

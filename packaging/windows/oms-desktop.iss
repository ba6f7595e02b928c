; Inno Setup 6.3+ script: installs the PyInstaller one-folder build (dist\oms-desktop) into
; Program Files, with a Start menu entry, an uninstaller and the GPL on the license page.
; packaging\windows\build.ps1 builds the folder and runs: ISCC /DAppVersion=<version> this file.
; Relative paths are from this file's folder.

#ifndef AppVersion
  #error Pass the version: ISCC /DAppVersion=0.1.0 oms-desktop.iss
#endif
#define Root "..\.."

[Setup]
; AppId identifies the installation for upgrades and the uninstaller: never change it.
AppId={{A23FAA91-96F9-4637-B94E-1E0AD811B01B}
AppName=OMS Desktop
AppVersion={#AppVersion}
AppPublisher=oms-desktop developers
DefaultDirName={autopf}\OMS Desktop
DefaultGroupName=OMS Desktop
DisableProgramGroupPage=yes
PrivilegesRequiredOverridesAllowed=dialog
LicenseFile={#Root}\LICENSE
SetupIconFile={#Root}\resources\icons\oms-desktop.ico
UninstallDisplayIcon={app}\oms-desktop.exe
ArchitecturesAllowed=x64compatible
ArchitecturesInstallIn64BitMode=x64compatible
WizardStyle=modern
Compression=lzma2
SolidCompression=yes
OutputDir={#Root}\dist
OutputBaseFilename=oms-desktop-{#AppVersion}-setup

[Tasks]
Name: "desktopicon"; Description: "{cm:CreateDesktopIcon}"; GroupDescription: "{cm:AdditionalIcons}"; Flags: unchecked

[Files]
Source: "{#Root}\dist\oms-desktop\*"; DestDir: "{app}"; Flags: ignoreversion recursesubdirs createallsubdirs

[Icons]
Name: "{group}\OMS Desktop"; Filename: "{app}\oms-desktop.exe"
Name: "{group}\{cm:UninstallProgram,OMS Desktop}"; Filename: "{uninstallexe}"
Name: "{autodesktop}\OMS Desktop"; Filename: "{app}\oms-desktop.exe"; Tasks: desktopicon

[Run]
Filename: "{app}\oms-desktop.exe"; Description: "{cm:LaunchProgram,OMS Desktop}"; Flags: nowait postinstall skipifsilent

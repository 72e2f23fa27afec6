; Inno Setup 6 script: the Windows installer of 社区工作台 (Neighbourhood Desk).
; Windows 10/11 x64 only (Qt 6). Built by packaging\windows\build.ps1 after PyInstaller has made
; dist\neighbourhood-desk\; see packaging\README.md. Saved as UTF-8 with a BOM (Chinese text).
;
; Silent install for IT:   neighbourhood-desk-<version>-setup.exe /VERYSILENT /SUPPRESSMSGBOXES /NORESTART
;   (add /CURRENTUSER to install without administrator rights, /TASKS="" for no desktop icon)
; Silent uninstall:        "%ProgramFiles%\NeighbourhoodDesk\unins000.exe" /VERYSILENT
;
; The clerks' data (database, photos, backups, settings) lives in each user's
; %LOCALAPPDATA%\NeighbourhoodDesk\ folder, never in the program folder: upgrades replace the
; program only, and uninstalling leaves the data where it is.

#ifndef AppVersion
  #define AppVersion "0.1.0"
#endif
#define AppName "社区工作台"
#define AppExe "neighbourhood-desk.exe"
#define BuildDir "..\..\dist\neighbourhood-desk"

[Setup]
; Never change AppId: it is how an upgrade finds the installed copy.
AppId={{6B1F2C3E-8D4A-4F6B-9E27-3C5D8A1B7F40}
AppName={#AppName}
AppVersion={#AppVersion}
AppVerName={#AppName} {#AppVersion}
AppPublisher=Neighbourhood Desk
VersionInfoVersion={#AppVersion}
VersionInfoProductName=社区工作台 Neighbourhood Desk
DefaultDirName={autopf}\NeighbourhoodDesk
DefaultGroupName={#AppName}
DisableProgramGroupPage=yes
DisableDirPage=auto
; Installed for all users by IT; /CURRENTUSER (or the dialog) installs for one user without admin.
PrivilegesRequired=admin
PrivilegesRequiredOverridesAllowed=dialog commandline
ArchitecturesAllowed=x64compatible
ArchitecturesInstallIn64BitMode=x64compatible
MinVersion=10.0
OutputDir=..\..\dist
OutputBaseFilename=neighbourhood-desk-{#AppVersion}-setup
SetupIconFile=..\..\resources\neighbourhood-desk.ico
UninstallDisplayIcon={app}\{#AppExe}
UninstallDisplayName={#AppName}
Compression=lzma2/max
SolidCompression=yes
WizardStyle=modern
; A running copy is asked to close (it makes its closing backup) before files are replaced.
CloseApplications=yes
RestartApplications=no
; Sign the setup when a certificate is configured: iscc /Ssigntool="signtool sign /fd SHA256 /a $f"
; SignTool=signtool

[Languages]
; ChineseSimplified.isl is an unofficial Inno Setup translation; build.ps1 downloads it beside
; this script from the Inno Setup source repository (jrsoftware/issrc).
Name: "chinesesimplified"; MessagesFile: "ChineseSimplified.isl"

[Tasks]
Name: "desktopicon"; Description: "{cm:CreateDesktopIcon}"; GroupDescription: "{cm:AdditionalIcons}"

[InstallDelete]
; An upgrade replaces the program folder entirely: no library of an older version lingers.
Type: filesandordirs; Name: "{app}\_internal"

[Files]
Source: "{#BuildDir}\*"; DestDir: "{app}"; Flags: ignoreversion recursesubdirs createallsubdirs

[Icons]
Name: "{autoprograms}\{#AppName}"; Filename: "{app}\{#AppExe}"; WorkingDir: "{app}"; Comment: "居委会户籍人口、计生服务、社区活动与设施台账"
Name: "{autoprograms}\{#AppName}（自检）"; Filename: "{cmd}"; Parameters: "/k """"{app}\neighbourhood-desk-cli.exe"" --self-test"""; WorkingDir: "{app}"; IconFilename: "{app}\{#AppExe}"; Comment: "检查本机安装是否完好"
Name: "{autodesktop}\{#AppName}"; Filename: "{app}\{#AppExe}"; WorkingDir: "{app}"; Tasks: desktopicon

[Run]
Filename: "{app}\{#AppExe}"; Description: "{cm:LaunchProgram,{#AppName}}"; Flags: nowait postinstall skipifsilent

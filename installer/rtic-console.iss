; Inno Setup script: the Windows installer of RTIC Console. It cannot be built on the
; project's Linux machines; build it on Windows (README, "Windows installer"):
;   1. pyinstaller installer\rtic-console.spec   -> dist\rtic-console\ (the same folder as
;      on Linux; the spec's DATA_FOLDERS are listed below and kept in step by
;      tests/test_installer_files.py)
;   2. put nssm.exe (64-bit, https://nssm.cc, public domain) in installer\windows\
;   3. iscc installer\rtic-console.iss            -> dist\rtic-console-setup-VERSION.exe
; The ingest service runs `rtic-console.exe serve` under NSSM, which turns a console
; program into a Windows service (restart on failure, output to a log file).

#define AppName "RTIC Console"
#define AppVersion "0.1.0"
#define AppExe "rtic-console.exe"
#define ServiceName "RticConsoleIngest"
; DATA_FOLDERS (as in installer/rtic-console.spec): resources db

[Setup]
AppId={{7E0C2B4E-2F7A-4C55-9D3B-5B1E6A4D2C11}
AppName={#AppName}
AppVersion={#AppVersion}
AppPublisher=RTIC
DefaultDirName={autopf}\RTIC Console
DefaultGroupName={#AppName}
OutputDir=..\dist
OutputBaseFilename=rtic-console-setup-{#AppVersion}
SetupIconFile=..\resources\icons\rtic-console.ico
UninstallDisplayIcon={app}\{#AppExe}
ArchitecturesAllowed=x64compatible
ArchitecturesInstallIn64BitMode=x64compatible
PrivilegesRequired=admin
Compression=lzma2
SolidCompression=yes
WizardStyle=modern

[Tasks]
Name: "ingestservice"; Description: "Install the ALPR ingest service (listens on 127.0.0.1:8765)"; Flags: unchecked

[Files]
Source: "..\dist\rtic-console\*"; DestDir: "{app}"; Flags: ignoreversion recursesubdirs createallsubdirs
Source: "..\USER_GUIDE.md"; DestDir: "{app}"; Flags: ignoreversion
Source: "..\docs\screenshots\*"; DestDir: "{app}\docs\screenshots"; Flags: ignoreversion
Source: "windows\nssm.exe"; DestDir: "{app}\service"; Flags: ignoreversion; Tasks: ingestservice

[Dirs]
; The service's spool and embedded database: SYSTEM and Administrators only.
Name: "{commonappdata}\RTIC Console"; Permissions: system-full admins-full; Tasks: ingestservice

[Icons]
Name: "{group}\{#AppName}"; Filename: "{app}\{#AppExe}"; IconFilename: "{app}\{#AppExe}"
Name: "{group}\{#AppName} user guide"; Filename: "{app}\USER_GUIDE.md"
Name: "{group}\Uninstall {#AppName}"; Filename: "{uninstallexe}"

[Run]
Filename: "{app}\service\nssm.exe"; Parameters: "install {#ServiceName} ""{app}\{#AppExe}"" serve --listen 127.0.0.1:8765 --spool ""{commonappdata}\RTIC Console\ingest-spool.sqlite3"""; Flags: runhidden; Tasks: ingestservice
Filename: "{app}\service\nssm.exe"; Parameters: "set {#ServiceName} AppEnvironmentExtra RTIC_DATABASE_URL=sqlite:///{commonappdata}\RTIC Console\rtic.sqlite3"; Flags: runhidden; Tasks: ingestservice
Filename: "{app}\service\nssm.exe"; Parameters: "set {#ServiceName} AppExit Default Restart"; Flags: runhidden; Tasks: ingestservice
Filename: "{app}\service\nssm.exe"; Parameters: "set {#ServiceName} AppStdout ""{commonappdata}\RTIC Console\ingest.log"""; Flags: runhidden; Tasks: ingestservice
Filename: "{app}\service\nssm.exe"; Parameters: "set {#ServiceName} AppStderr ""{commonappdata}\RTIC Console\ingest.log"""; Flags: runhidden; Tasks: ingestservice
Filename: "{app}\service\nssm.exe"; Parameters: "start {#ServiceName}"; Flags: runhidden; Tasks: ingestservice
Filename: "{app}\{#AppExe}"; Description: "Open {#AppName}"; Flags: nowait postinstall skipifsilent

[UninstallRun]
Filename: "{app}\service\nssm.exe"; Parameters: "stop {#ServiceName}"; Flags: runhidden; RunOnceId: "StopIngest"; Check: FileExists(ExpandConstant('{app}\service\nssm.exe'))
Filename: "{app}\service\nssm.exe"; Parameters: "remove {#ServiceName} confirm"; Flags: runhidden; RunOnceId: "RemoveIngest"; Check: FileExists(ExpandConstant('{app}\service\nssm.exe'))

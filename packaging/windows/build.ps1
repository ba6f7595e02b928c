# Build the Windows installer: the PyInstaller one-folder bundle, then Inno Setup around it.
# Needs Python 3.11+ (the py launcher) and Inno Setup 6.3+; $env:ISCC may point at ISCC.exe.
# Result: dist\oms-desktop\ (oms-desktop.exe for the window, oms-desktop-cli.exe for the
# subcommands) and dist\oms-desktop-<version>-setup.exe.
$ErrorActionPreference = "Stop"
Set-Location (Resolve-Path "$PSScriptRoot\..\..")

$Venv = if ($env:VENV) { $env:VENV } else { ".venv" }
if (-not (Test-Path "$Venv\Scripts\python.exe")) { py -3 -m venv $Venv }
& "$Venv\Scripts\python.exe" -m pip install -q -e ".[postgres,packaging]"
if ($LASTEXITCODE) { throw "pip install failed" }

& "$Venv\Scripts\python.exe" -m PyInstaller --noconfirm --clean `
    --distpath dist --workpath build\pyinstaller packaging\oms-desktop.spec
if ($LASTEXITCODE) { throw "PyInstaller failed" }

$Version = (& "dist\oms-desktop\oms-desktop-cli.exe" --version).Split(" ")[1]
$Iscc = if ($env:ISCC) { $env:ISCC } else { "${env:ProgramFiles(x86)}\Inno Setup 6\ISCC.exe" }
& $Iscc "/DAppVersion=$Version" packaging\windows\oms-desktop.iss
if ($LASTEXITCODE) { throw "Inno Setup failed" }
Write-Host "dist\oms-desktop-$Version-setup.exe"

"""Maps the repository's folders into the one import package users install, `telemock`.

`telemock/` holds the public surface and the command, `emulator/` the server, `contracts/` the
specs, their validation and the kit, `fixtures/` the bundled seed data. Every other setting is in
pyproject.toml; this file only lists the packages, which pyproject.toml cannot derive for mapped
folders. Editable installs reach the same names through setuptools' import finder.
"""

from setuptools import find_packages, setup

FOLDERS = {"telemock": "telemock", "telemock.emulator": "emulator", "telemock.contracts": "contracts"}
DATA_ONLY = {"telemock.fixtures": "fixtures"}

packages = [*DATA_ONLY]
for name, folder in FOLDERS.items():
    packages += [name, *(f"{name}.{sub}" for sub in find_packages(folder))]

setup(packages=packages, package_dir=FOLDERS | DATA_ONLY)

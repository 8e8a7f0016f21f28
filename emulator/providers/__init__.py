"""One folder per provider; each exposes PROVIDER, a subclass of emulator.core.provider.Provider."""

"""The validating proxy in front of the real providers, its recordings, their replay and their drift.

`create_proxy_app` puts the emulator's request path (journal, verdicts, control API, faults) in
front of the real provider; `create_replay_app` serves a folder of recordings back the same way;
`drift.py` compares recordings with the documented contract and with telemock's own profiles.
"""

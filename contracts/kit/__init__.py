"""The kit: drives clients, receivers and servers against the documented contracts.

It sits above the server (it starts one in-process or steers a remote one through the control
API) and below the command; the pytest plugin is one of its modules.
"""

"""Logging shared by every process (API, action server, Rasa).

Standard library only, so that both virtual environments can import it.
"""

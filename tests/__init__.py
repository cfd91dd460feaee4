"""Tests of customer-chat, mirroring the source tree."""

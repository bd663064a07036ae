"""Protocols of the chat robots (DingTalk, Feishu, WeCom) and of the SMS gateways (Aliyun,
Tencent Cloud): signatures, payloads and answers, in plain Python without Odoo."""

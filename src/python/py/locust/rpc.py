"""locust.rpc's Message, what a custom message's listener receives (environment.runner.send_message)."""


class Message:
    def __init__(self, message_type, data, node_id):
        self.type = message_type
        self.data = data
        self.node_id = node_id

    def __repr__(self):
        return f"<Message {self.type}:{self.node_id}>"

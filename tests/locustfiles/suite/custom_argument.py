from locust import HttpUser, constant, events, task


@events.init_command_line_parser.add_listener
def _(parser):
    parser.add_argument("--item-id", type=int, default=1, help="Item to view")


class ArgUser(HttpUser):
    wait_time = constant(0.002)

    @task
    def view(self):
        item = self.environment.parsed_options.item_id
        self.client.get(f"/items/{item}", headers={"Authorization": "Bearer tok-arg"})

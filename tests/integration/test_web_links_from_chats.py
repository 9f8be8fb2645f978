"""Links the bots hand out lead to real pages of the web interface."""
from adapters.chat.commands import ChatCommands
from adapters.chat.messages import ChatRequest
from domain.reply import ReplyTo
from tests.integration.web_helpers import web_app  # noqa: F401  (provides the `web` fixture)


async def test_a_collection_link_from_a_chat_opens_the_shared_collection_for_anyone(web):
    kit = ChatCommands(web.station, "http://station.example")

    async def say(text):
        request = ChatRequest(identity="telegram:5", display_name="Ada", command="collections", text=text)
        return (await kit.handle(request))[0].text

    await say("create Owls")
    link = (await say("link Owls 2")).split("http://station.example")[1].split()[0]
    page = await web.quart.test_client().get(link)
    assert page.status_code == 200 and "Owls" in await page.get_data(as_text=True)
    forged = await web.quart.test_client().get(link[:-3] + "xyz")
    assert forged.status_code == 404


async def test_the_job_link_sent_for_an_oversize_result_opens_that_job_for_its_owner(web):
    client = await web.client("ada", points=100)
    job = await web.station.make_image.submit(client.user.id, "txt2img", {"prompt": "owl"}, ReplyTo("web"))
    page = await client.get(f"/jobs/{job.id}")
    assert page.status_code == 200 and "owl" in await page.get_data(as_text=True)

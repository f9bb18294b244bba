def build_research_demo(*, now=None):
    return {"created": False}

"""The Race to Scale: the pipeline that turns catalog.yaml into the article site."""

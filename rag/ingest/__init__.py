"""Reading articles from files, feeds and URLs, and cutting them into chunks."""

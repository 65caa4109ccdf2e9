package core_test

import (
	"fmt"
	"time"

	"github.com/sharelink/sharelink/core"
)

// docs/core.md's example, run: parse the route, build the request, or report
// the error Graph-style.
func ExampleBuildCreateLink() {
	route, err := core.ParseRoute("POST", "/me/drive/root:/Documents/Report.docx:/createLink")
	if err != nil {
		panic(err)
	}
	ctx := core.Context{Now: time.Date(2026, 1, 15, 12, 0, 0, 0, time.UTC), DriveType: core.DriveBusiness}
	req, err := core.BuildCreateLink(&route, []byte(`{"type":"view","scope":"organization"}`), &ctx)
	if err != nil {
		panic(err)
	}
	fmt.Println(req.Method, req.Path)
	fmt.Println(string(req.Body))

	_, err = core.BuildCreateLink(&route, []byte(`{"type":"embed"}`), &ctx)
	e := core.AsError(err)
	fmt.Println(e.Status, e.Code, e.Target)
	fmt.Println(string(e.JSON()))
	// Output:
	// POST /v1.0/me/drive/root:/Documents/Report.docx:/createLink
	// {"type":"view","scope":"organization"}
	// 400 invalidRequest type
	// {"error":{"code":"invalidRequest","message":"'embed' links exist only in OneDrive personal","target":"type"}}
}

// Sharing URLs become share ids and back; ids other libraries padded or
// wrote in standard base64 are repaired.
func ExampleEncodeSharingURL() {
	id := core.EncodeSharingURL("https://1drv.ms/!12&authKey=1201919!12921!1")
	fmt.Println(id)
	url, _ := core.DecodeSharingURL(id)
	fmt.Println(url)
	fixed, _, _ := core.NormalizeShareID("u!aHR0cHM6Ly9hLmNvbS8/Pz8+Pj4=")
	fmt.Println(fixed)
	// Output:
	// u!aHR0cHM6Ly8xZHJ2Lm1zLyExMiZhdXRoS2V5PTEyMDE5MTkhMTI5MjEhMQ
	// https://1drv.ms/!12&authKey=1201919!12921!1
	// u!aHR0cHM6Ly9hLmNvbS8_Pz8-Pj4
}
